namespace HostileProbes.Harness;

/// <summary>The thresholds the verdicts use, stated once so that the report can print them.</summary>
internal static class Rules
{
    /// <summary>A hostile spec or checkpoint must be refused within this many seconds.</summary>
    public const double RefusalSeconds = 1.0;

    /// <summary>... and with no more than this many bytes of peak resident growth or managed allocation.</summary>
    public const long RefusalBytes = 100L << 20;

    /// <summary>A probe's process that grows this far above its size when the probe began is stopped as exhausted.</summary>
    public const long ExhaustionBytes = 1536L << 20;

    /// <summary>The text of the rules, for the report.</summary>
    public static readonly string[] Text =
    {
        "**Clear error**: the exception is one the method documents (`GenCheckpointException` for `SpecJson.FromJson`, `Model.Load`, `Model.ReadSpec`, " +
        "`Model.LoadOptimizer` and `Model.LoadWeights`; `GenDataException` for the data loaders and `Idx.Read`; `TrainingDivergedException` for `Trainer.Fit`; " +
        "`GenRuntimeException` for the native runtime), and its message says where and what. For a spec document: the exception carries a JSON path, and the " +
        "message names a path (`$.spec.steps[2].mask.features`) or a spec node (`flow.steps[2].mask`) and the offending value as written (or its kind: `null`, " +
        "`an array`, `an object`; the field's name for a missing, unknown or repeated field; `not valid JSON` for text that is not JSON; for a spec past a " +
        "`SpecLimits` limit, the limit, as the documentation promises the node, its value and the limit). For a checkpoint: the message and " +
        "`GenCheckpointException.File` name the file. For a download or data file: the message names the address or file and, where the probe is about one, " +
        "the limit or the status; and no file is left in the data folder. For training: the message names the step and the term. For the native runtime: the " +
        "message names the folder it refused and why.",
        "**Unclear error**: a documented exception whose message lacks the place or the value (the match is a plain text search of the message).",
        "**Handled**: nothing was due to be refused (the mutated document is still a valid spec, a checkpoint's forged weights are still valid tensors) or the " +
        "library recovered as it documents (a checkpoint that survived a killed save, a runtime that loaded from a safe fallback folder).",
        "**Raw exception**: any exception the method does not document (NullReferenceException, InvalidCastException, KeyNotFoundException, OverflowException, " +
        "InvalidOperationException, an ExternalException from libtorch, an ArgumentException the method does not list, ...), or a crash of the probe's process.",
        "**Hang**: a probe still running when its watchdog expires (20 s for spec documents and downloads, 30 s for checkpoints, 60 s for training, kills and " +
        "the native cache, whose child processes are also stopped after 45 s); the harness kills the probe's process and goes on with the next probe. " +
        $"**Exhaustion**: an OutOfMemoryException, a process killed for memory, a process whose resident size grows {ExhaustionBytes >> 20} MiB above what it " +
        "was when the probe began (the harness stops it there, so that one probe cannot take the machine), or temporary files that the next save leaves on the disk.",
        "**Data loss**: afterwards, a checkpoint that held good weights is unreadable, holds non-finite weights or weights from after the step that damaged " +
        "training, or is older than the last save that completed; or a good checkpoint that was there before a failed run has changed. **Unsafe**: the native " +
        "runtime was loaded from (or written into) a folder or file that another user owns, can write to or has redirected with a symbolic link.",
        $"**Refusal budget**: every refused hostile spec or checkpoint (categories 1 and 2; the sparse 1 GiB file excepted, since hashing it takes time in " +
        $"proportion to its real size) must take under {RefusalSeconds:0} s of wall time and under {RefusalBytes >> 20} MB of memory, counted as the larger of " +
        "the peak resident growth (VmHWM after the probe, with the peak reset through `/proc/self/clear_refs` just before it, minus VmRSS before it) and the " +
        "managed bytes allocated (`GC.GetTotalAllocatedBytes(true)` delta). Only the library's call is measured, not the making of the input. A refusal past " +
        "either limit is measured twice more and the least time and memory kept (on a shared machine one run can be descheduled for a second); past either " +
        "still, it is a defect. The heap is collected before a probe when it holds more than 64 MB.",
    };
}
