# Install TeachPoint's background sync on a Windows classroom PC as a Task Scheduler task.
# Run in an elevated PowerShell:
#   powershell -ExecutionPolicy Bypass -File install-sync-task.ps1 [-Bundle "C:\Program Files\TeachPoint"] [-Data "C:\ProgramData\TeachPoint"]
# The task starts at boot as SYSTEM (so lessons arrive even when nobody logs in) and restarts on
# failure. The app must use the same data folder: this script sets TEACHPOINT_DATA_DIR and
# TEACHPOINT_LOG_DIR machine-wide and lets every user of the PC modify the folder.
# Untested on real Windows in CI (see docs/deploy.md); NSSM is the alternative described there.
param(
    [string]$Bundle = "C:\Program Files\TeachPoint",
    [string]$Data = "C:\ProgramData\TeachPoint"
)
$ErrorActionPreference = "Stop"
$cli = Join-Path $Bundle "teachpoint-cli.exe"
if (-not (Test-Path $cli)) { throw "no teachpoint-cli.exe in $Bundle" }
$logs = Join-Path $Data "logs"
New-Item -ItemType Directory -Force -Path $Data, $logs | Out-Null
# Teachers (Users) and the service (SYSTEM) share the folder: both may modify it.
icacls $Data /grant "*S-1-5-32-545:(OI)(CI)M" /grant "*S-1-5-18:(OI)(CI)F" | Out-Null
[Environment]::SetEnvironmentVariable("TEACHPOINT_DATA_DIR", $Data, "Machine")
[Environment]::SetEnvironmentVariable("TEACHPOINT_LOG_DIR", $logs, "Machine")
$env:TEACHPOINT_DATA_DIR = $Data
$env:TEACHPOINT_LOG_DIR = $logs
& $cli --selftest
if ($LASTEXITCODE -ne 0) { throw "the self-test failed; fix the problems above first" }
$action = New-ScheduledTaskAction -Execute $cli -Argument "sync --data-dir `"$Data`""
$trigger = New-ScheduledTaskTrigger -AtStartup
$settings = New-ScheduledTaskSettingsSet -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1) `
    -ExecutionTimeLimit (New-TimeSpan -Seconds 0) -StartWhenAvailable -AllowStartIfOnBatteries `
    -DontStopIfGoingOnBatteries -Priority 7
$principal = New-ScheduledTaskPrincipal -UserId "SYSTEM" -LogonType ServiceAccount -RunLevel Limited
Register-ScheduledTask -TaskName "TeachPoint sync" -Action $action -Trigger $trigger `
    -Settings $settings -Principal $principal -Force | Out-Null
Start-ScheduledTask -TaskName "TeachPoint sync"
Write-Host "TeachPoint sync task installed (data: $Data, logs: $logs)"
