// The probes use Linux itself: /proc for memory, mkfifo, file owners and modes, SIGKILL.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
