namespace Gen.Dsl;

/// <summary>What is wrong with a checkpoint file or a spec document (see <see cref="GenCheckpointException.Error"/>).</summary>
public enum CheckpointError
{
    /// <summary>The file does not start with a Gen checkpoint's magic bytes.</summary>
    NotACheckpoint,

    /// <summary>The file ends before the end its header describes (an interrupted copy or download).</summary>
    Truncated,

    /// <summary>A checksum does not match: bytes of the file have changed since it was written.</summary>
    Corrupted,

    /// <summary>The file or document was written in a format version newer than this version of Gen reads.</summary>
    NewerVersion,

    /// <summary>The spec document is not valid: bad JSON, an unknown node type, a missing or unexpected field, or a value the spec rejects.</summary>
    InvalidSpec,

    /// <summary>The weights do not fit the model built from the spec: a tensor is missing, extra, or has another shape or dtype.</summary>
    WeightsMismatch,

    /// <summary>The checkpoint holds no optimizer state.</summary>
    NoOptimizerState,

    /// <summary>The optimizer state does not fit the model's parameters.</summary>
    OptimizerMismatch,

    /// <summary>The checkpoint holds another kind of model (or spec) than the one asked for.</summary>
    WrongModelType,

    /// <summary>
    /// The file cannot be read at all: it does not exist, access to it is denied, reading it failed, or the path names
    /// a directory, pipe, device or socket rather than a regular file (refused before it is opened, since reading a pipe
    /// can wait forever and a device such as <c>/dev/zero</c> never ends).
    /// </summary>
    Unreadable,

    /// <summary>
    /// The spec (or its document) is larger than the <see cref="SpecLimits"/> the loader was given allow: too many
    /// features, too wide a layer, too many steps or layers, too many parameters, or too long a document. Nothing was
    /// built; pass raised limits to read it on purpose.
    /// </summary>
    LimitExceeded,
}
