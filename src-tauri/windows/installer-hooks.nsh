; Tổ Bầu Cử — NSIS installer hooks (tauri.package.windows.json:
; bundle > windows > nsis > installerHooks).
;
; Several check-in desks (issue 14) sync over the local network while
; multi-desk is on: TCP 47153 (the desks' encrypted connections) and UDP
; 47154 (the discovery beacon). Windows Defender Firewall blocks inbound
; traffic to a new program until an administrator allows it, and a polling
; station's switch or hotspot is usually a "public" network, so the
; installer (per machine, run as administrator) adds inbound rules for the
; two programs that listen (the window and "tobaucu desk serve"), on those
; two ports only, from the local subnet only; the uninstaller removes them.
; Rule names are ASCII so netsh reads them the same in every code page.

; netsh's exit code, popped here so no register of the template is touched.
Var TobaucuNetsh

!macro TOBAUCU_FIREWALL_RULES VERB
  nsExec::ExecToLog 'netsh advfirewall firewall ${VERB} rule name="Tobaucu desks TCP 47153 (window)" dir=in action=allow program="$INSTDIR\tobaucu-desktop.exe" protocol=TCP localport=47153 remoteip=localsubnet profile=any'
  Pop $TobaucuNetsh
  nsExec::ExecToLog 'netsh advfirewall firewall ${VERB} rule name="Tobaucu desks UDP 47154 (window)" dir=in action=allow program="$INSTDIR\tobaucu-desktop.exe" protocol=UDP localport=47154 remoteip=localsubnet profile=any'
  Pop $TobaucuNetsh
  nsExec::ExecToLog 'netsh advfirewall firewall ${VERB} rule name="Tobaucu desks TCP 47153 (command line)" dir=in action=allow program="$INSTDIR\tobaucu.exe" protocol=TCP localport=47153 remoteip=localsubnet profile=any'
  Pop $TobaucuNetsh
  nsExec::ExecToLog 'netsh advfirewall firewall ${VERB} rule name="Tobaucu desks UDP 47154 (command line)" dir=in action=allow program="$INSTDIR\tobaucu.exe" protocol=UDP localport=47154 remoteip=localsubnet profile=any'
  Pop $TobaucuNetsh
!macroend

!macro TOBAUCU_FIREWALL_DELETE
  nsExec::ExecToLog 'netsh advfirewall firewall delete rule name="Tobaucu desks TCP 47153 (window)"'
  Pop $TobaucuNetsh
  nsExec::ExecToLog 'netsh advfirewall firewall delete rule name="Tobaucu desks UDP 47154 (window)"'
  Pop $TobaucuNetsh
  nsExec::ExecToLog 'netsh advfirewall firewall delete rule name="Tobaucu desks TCP 47153 (command line)"'
  Pop $TobaucuNetsh
  nsExec::ExecToLog 'netsh advfirewall firewall delete rule name="Tobaucu desks UDP 47154 (command line)"'
  Pop $TobaucuNetsh
!macroend

!macro NSIS_HOOK_POSTINSTALL
  ; An update installs over the old rules: remove them first, never twice.
  !insertmacro TOBAUCU_FIREWALL_DELETE
  !insertmacro TOBAUCU_FIREWALL_RULES add
!macroend

!macro NSIS_HOOK_PREUNINSTALL
  !insertmacro TOBAUCU_FIREWALL_DELETE
!macroend
