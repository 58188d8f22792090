/*
 * bcryptprimitives.dll stand-in — TEST HARNESS ONLY, never shipped.
 *
 * Rust's std (1.78+) on Windows takes its random bytes from
 * ProcessPrng in bcryptprimitives.dll. Real Windows 10/11 has that DLL;
 * Debian 12's Wine 8.0 does not, so tobaucu.exe would fail to start under
 * Wine. tests/windows/run.sh builds this file with the same mingw compiler
 * and puts the DLL beside tobaucu.exe, so Wine loads it first. It forwards
 * to RtlGenRandom (SystemFunction036 in advapi32), which Wine implements.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, n))
            return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
