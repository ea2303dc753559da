namespace HostileProbes.Harness;

/// <summary>How a probe ended, by the rules the report states (see <see cref="Rules"/>).</summary>
internal enum Outcome
{
    /// <summary>Refused with a documented exception whose message says where and what.</summary>
    Clear,

    /// <summary>Refused with a documented exception whose message misses the place or the value.</summary>
    Unclear,

    /// <summary>Nothing to refuse (the input was valid after all), or the library recovered as it documents.</summary>
    Handled,

    /// <summary>The probe ran past its watchdog.</summary>
    Hang,

    /// <summary>The probe's process ran out of memory, or grew past the harness's memory ceiling and was stopped.</summary>
    Exhaustion,

    /// <summary>A checkpoint or file that held good data afterwards holds worse data, or none.</summary>
    DataLoss,

    /// <summary>A native library was loaded from, or written into, a place another user controls.</summary>
    Unsafe,

    /// <summary>An exception the method does not document (or a crash of the process).</summary>
    Raw,
}
