using System;
using System.IO;

namespace Gen.Dsl;

/// <summary>
/// One part of a checkpoint to be written (the weights, or the optimizer state): its length, known before any of it is
/// written because the header that comes first records it, and the writer that streams exactly that many bytes.
/// </summary>
/// <param name="Length">The bytes <paramref name="Write"/> writes.</param>
/// <param name="Write">Writes the part.</param>
internal sealed record CheckpointPart(long Length, Action<Stream> Write)
{
    /// <summary>An absent part (no optimizer state).</summary>
    public static CheckpointPart None { get; } = new(0, _ => { });

    /// <summary>A part held in memory.</summary>
    public static CheckpointPart Of(byte[] bytes) => new(bytes.Length, stream => stream.Write(bytes));
}
