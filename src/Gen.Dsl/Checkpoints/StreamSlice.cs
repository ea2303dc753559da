using System;
using System.IO;

namespace Gen.Dsl;

/// <summary>
/// A read-only window onto <c>length</c> bytes of a seekable stream, starting at <c>offset</c>: one part of a checkpoint
/// file. Reads stop at the window's end, so a reader that trusts a count or length it found inside the part can run
/// out of bytes (an <see cref="EndOfStreamException"/>) but never into the next part.
/// </summary>
internal sealed class StreamSlice : Stream
{
    private readonly Stream inner;
    private readonly long offset;
    private readonly long length;
    private long position;

    /// <summary>Creates the window; the inner stream stays open when it is disposed.</summary>
    public StreamSlice(Stream inner, long offset, long length)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        this.inner = inner;
        this.offset = offset;
        this.length = length;
    }

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => true;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => length;

    /// <inheritdoc/>
    public override long Position
    {
        get => position;
        set => position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "A position cannot be negative.");
    }

    /// <summary>The bytes left between the position and the window's end.</summary>
    public long Remaining => Math.Max(0, length - position);

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        int n = (int)Math.Min(buffer.Length, Remaining);
        if (n == 0)
        {
            return 0;
        }

        inner.Position = offset + position;
        int read = inner.Read(buffer[..n]);
        position += read;
        return read;
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => position + offset,
        SeekOrigin.End => length + offset,
        _ => throw new ArgumentOutOfRangeException(nameof(origin), origin, null),
    };

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
