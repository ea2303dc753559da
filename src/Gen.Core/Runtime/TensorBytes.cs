using System;
using System.IO;
using TorchSharp;

namespace Gen.Runtime;

/// <summary>
/// The raw values of a tensor (little-endian, row-major, as TorchSharp's <c>Tensor.bytes</c> gives them) written to and
/// read from a stream a piece at a time. <c>Tensor.bytes</c> is one <see cref="Span{T}"/>, so it stops at 2 GB, and a
/// tensor staged whole in managed memory would cost its size again; pieces of bounded size do neither, so a tensor of
/// any size, on any device, streams with a few megabytes of extra memory.
/// </summary>
public static class TensorBytes
{
    /// <summary>The size of the pieces, in bytes, unless a caller asks for another.</summary>
    public const int DefaultPieceBytes = 1 << 22;

    /// <summary>The number of bytes of <paramref name="tensor"/>'s values: elements times element size.</summary>
    /// <param name="tensor">The tensor.</param>
    public static long Length(torch.Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return checked(tensor.numel() * tensor.ElementSize);
    }

    /// <summary>Writes the values of <paramref name="tensor"/> (any device, any layout) to <paramref name="stream"/>.</summary>
    /// <param name="stream">Where to write.</param>
    /// <param name="tensor">The tensor; it is not changed.</param>
    /// <param name="pieceBytes">The most bytes copied to the CPU and written at once.</param>
    public static void Write(Stream stream, torch.Tensor tensor, int pieceBytes = DefaultPieceBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentOutOfRangeException.ThrowIfLessThan(pieceBytes, 1);
        using var scope = torch.NewDisposeScope();
        var flat = tensor.detach().contiguous().reshape(-1);
        long elements = flat.numel();
        long step = Math.Max(1, pieceBytes / flat.ElementSize);
        for (long start = 0; start < elements; start += step)
        {
            using var inner = torch.NewDisposeScope();
            // A narrowed run of a contiguous vector is itself contiguous, and on the CPU .cpu() is the same tensor, so
            // only a device tensor is copied, and then one piece at a time.
            stream.Write(flat.narrow(0, start, Math.Min(step, elements - start)).cpu().bytes);
        }
    }

    /// <summary>
    /// Reads <see cref="Length"/> bytes from <paramref name="stream"/> into <paramref name="tensor"/> (any device; it
    /// keeps its shape, dtype and storage).
    /// </summary>
    /// <param name="stream">Where to read.</param>
    /// <param name="tensor">The tensor whose values are replaced.</param>
    /// <param name="pieceBytes">The most bytes read and copied at once.</param>
    /// <exception cref="EndOfStreamException">The stream ends first; the tensor then holds part of the new values.</exception>
    public static void Read(Stream stream, torch.Tensor tensor, int pieceBytes = DefaultPieceBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentOutOfRangeException.ThrowIfLessThan(pieceBytes, 1);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        // A contiguous tensor is filled in place through a flat view; another (rare: parameters are contiguous) is
        // staged in a contiguous copy first.
        var target = tensor.detach();
        var flat = target.is_contiguous() ? target.reshape(-1) : torch.empty(target.numel(), dtype: target.dtype, device: target.device);
        long elements = flat.numel();
        long step = Math.Max(1, pieceBytes / flat.ElementSize);
        bool direct = flat.device_type == DeviceType.CPU;
        for (long start = 0; start < elements; start += step)
        {
            using var inner = torch.NewDisposeScope();
            long n = Math.Min(step, elements - start);
            var piece = direct ? flat.narrow(0, start, n) : torch.empty(n, dtype: flat.dtype);
            stream.ReadExactly(piece.bytes);
            if (!direct)
            {
                flat.narrow(0, start, n).copy_(piece);
            }
        }

        if (!target.is_contiguous())
        {
            target.copy_(flat.reshape(target.shape));
        }
    }
}
