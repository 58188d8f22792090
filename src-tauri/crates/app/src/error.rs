//! Errors of the application layer, with the CLI exit code each maps to.

pub use tobaucu_ipc::ErrorCode;
use tobaucu_ipc::IpcError;
use tobaucu_store::Failure;

/// What went wrong, for people.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input or the state was refused; nothing was changed (exit 1).
    #[error("{message}")]
    Refused { code: ErrorCode, message: String, problems: Vec<String> },
    /// The database could not be used (exit 1 when the file is the problem).
    #[error(transparent)]
    Store(#[from] tobaucu_store::Error),
    /// A file could not be read or written (exit 1).
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    /// A bug or an impossible state (exit 3).
    #[error("lỗi nội bộ: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn refused(code: ErrorCode, message: impl Into<String>) -> Error {
        Error::Refused { code, message: message.into(), problems: Vec::new() }
    }

    pub fn io(path: &std::path::Path, e: &std::io::Error) -> Error {
        let message = match e.kind() {
            std::io::ErrorKind::NotFound => "không tìm thấy tệp".to_owned(),
            std::io::ErrorKind::PermissionDenied => "không có quyền đọc/ghi tệp".to_owned(),
            std::io::ErrorKind::IsADirectory => "đây là một thư mục, không phải tệp".to_owned(),
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded | std::io::ErrorKind::FileTooLarge => {
                "thiết bị lưu đã đầy (hết chỗ trống); không có tệp nào được ghi dở — hãy giải phóng chỗ hoặc dùng USB khác rồi thử lại".to_owned()
            }
            std::io::ErrorKind::ReadOnlyFilesystem => "thiết bị lưu chỉ cho đọc (USB bị gạt khóa ghi hoặc ổ chỉ đọc); hãy mở khóa ghi hoặc dùng thiết bị khác".to_owned(),
            _ => format!("lỗi đọc/ghi tệp: {e}"),
        };
        Error::Io { path: path.display().to_string(), message }
    }

    /// Names the file a refused definition came from, in the message and in
    /// every problem (`election.json, $.areas[0].commune: …`).
    pub fn in_file(self, file: &str) -> Error {
        match self {
            Error::Refused { code: ErrorCode::ElectionInvalid, message, problems } => {
                Error::Refused { code: ErrorCode::ElectionInvalid, message: format!("{file}: {message}"), problems: problems.into_iter().map(|p| format!("{file}, {p}")).collect() }
            }
            other => other,
        }
    }

    /// CLI exit code (`interfaces.md` §1): 1 refused, 2 usage, 3 internal.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Refused { code: ErrorCode::Usage, .. } => 2,
            Error::Refused { .. } | Error::Io { .. } => 1,
            Error::Store(e) => match e {
                // Full disk, read-only medium, busy or damaged file: the
                // state was refused, not a bug.
                tobaucu_store::Error::Sqlite(_) if e.failure().is_some() => 1,
                tobaucu_store::Error::Sqlite(_) => 3,
                _ => 1,
            },
            Error::Internal(_) => 3,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Refused { code, .. } => *code,
            Error::Store(tobaucu_store::Error::NewerVersion { .. }) => ErrorCode::DbNewer,
            Error::Store(tobaucu_store::Error::EditedMigration { .. }) => ErrorCode::DbMigrationEdited,
            Error::Store(tobaucu_store::Error::NotOurs(_)) => ErrorCode::DbNotOurs,
            Error::Store(tobaucu_store::Error::UpgradeCopy { .. }) => ErrorCode::DbUpgradeCopy,
            Error::Store(e) => match e.failure() {
                Some(Failure::DiskFull) => ErrorCode::DiskFull,
                Some(Failure::ReadOnly) => ErrorCode::ReadOnly,
                Some(Failure::Busy) => ErrorCode::DbBusy,
                Some(Failure::Corrupt) => ErrorCode::DbCorrupt,
                Some(Failure::CannotOpen) => ErrorCode::DbCannotOpen,
                Some(Failure::DiskIo) => ErrorCode::DiskIo,
                None => ErrorCode::Db,
            },
            Error::Io { .. } => ErrorCode::Io,
            Error::Internal(_) => ErrorCode::Internal,
        }
    }

    /// A failure of this machine or this database (disk full, read-only
    /// medium, damaged or busy file, a file that cannot be written), as
    /// opposed to something wrong with the input at hand.
    pub fn is_environment(&self) -> bool {
        match self {
            Error::Store(e) => e.failure().is_some() || !matches!(e, tobaucu_store::Error::Sqlite(_)),
            Error::Io { .. } => true,
            Error::Refused { .. } | Error::Internal(_) => false,
        }
    }

    pub fn problems(&self) -> &[String] {
        match self {
            Error::Refused { problems, .. } => problems,
            _ => &[],
        }
    }
}

impl From<Error> for IpcError {
    fn from(e: Error) -> IpcError {
        IpcError { code: e.code(), message: e.to_string(), problems: e.problems().to_vec() }
    }
}
