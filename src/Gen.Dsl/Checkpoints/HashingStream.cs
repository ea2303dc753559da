using System;
using System.IO;
using System.Security.Cryptography;

namespace Gen.Dsl;

/// <summary>
/// Passes writes on to another stream while it hashes them (SHA-256) and counts them, so a checkpoint streams to the
/// disk in one pass, of any size, with its checksum computed on the way.
/// </summary>
internal sealed class HashingStream : Stream
{
    private readonly Stream inner;
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Creates the stream; <paramref name="inner"/> stays open when it is disposed.</summary>
    public HashingStream(Stream inner) => this.inner = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <summary>The bytes written so far.</summary>
    public long Written { get; private set; }

    /// <inheritdoc/>
    public override bool CanRead => false;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => true;

    /// <inheritdoc/>
    public override long Length => Written;

    /// <inheritdoc/>
    public override long Position { get => Written; set => throw new NotSupportedException(); }

    /// <summary>The SHA-256 of everything written so far.</summary>
    public byte[] Hash() => hash.GetCurrentHash();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        hash.AppendData(buffer);
        Written += buffer.Length;
    }

    /// <inheritdoc/>
    public override void WriteByte(byte value) => Write(new[] { value });

    /// <inheritdoc/>
    public override void Flush() => inner.Flush();

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
