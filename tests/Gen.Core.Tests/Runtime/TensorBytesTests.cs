using System;
using System.IO;
using System.Linq;
using Gen.Optimization;
using Gen.Runtime;
using TorchSharp;
using Xunit;

namespace Gen.Core.Tests.Runtime;

/// <summary>
/// The piecewise tensor I/O that lets checkpoints hold tensors over 2 GB, tested with pieces of a few bytes so that
/// every tensor is many pieces, as a tensor over 2 GB is with the default piece size.
/// </summary>
public sealed class TensorBytesTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(TensorBytes.DefaultPieceBytes)]
    public void Tensors_written_in_pieces_are_their_raw_bytes_and_read_back_bit_for_bit(int pieceBytes)
    {
        using var scope = torch.NewDisposeScope();
        using var g = Seed.Generator(3);
        foreach (var tensor in new[]
        {
            torch.randn(new long[] { 5, 7 }, dtype: torch.float32, generator: g),
            torch.randn(new long[] { 3, 2, 11 }, dtype: torch.float64, generator: g),
            torch.randint(0, 100, new long[] { 13 }, dtype: torch.int64, generator: g),
            torch.randn(new long[] { 9 }, generator: g).to(torch.float16),
            torch.empty(0),
        })
        {
            using var stream = new MemoryStream();
            TensorBytes.Write(stream, tensor, pieceBytes);
            Assert.Equal(TensorBytes.Length(tensor), stream.Length);
            Assert.Equal(tensor.numel() == 0 ? Array.Empty<byte>() : tensor.bytes.ToArray(), stream.ToArray());

            var back = torch.full(tensor.shape, 42, dtype: tensor.dtype);
            stream.Position = 0;
            TensorBytes.Read(stream, back, pieceBytes);
            Assert.True(back.eq(tensor).all().item<bool>());
            Assert.Equal(stream.Length, stream.Position);
        }
    }

    [Fact]
    public void A_non_contiguous_tensor_is_written_and_filled_in_row_major_order()
    {
        using var scope = torch.NewDisposeScope();
        var source = torch.arange(24, dtype: torch.float32).reshape(4, 6).t();
        Assert.False(source.is_contiguous());
        using var stream = new MemoryStream();
        TensorBytes.Write(stream, source, pieceBytes: 8);
        Assert.Equal(source.contiguous().bytes.ToArray(), stream.ToArray());

        var target = torch.zeros(4, 6, dtype: torch.float32).t();
        stream.Position = 0;
        TensorBytes.Read(stream, target, pieceBytes: 8);
        Assert.True(target.eq(source).all().item<bool>());
    }

    [Fact]
    public void A_stream_that_ends_early_is_an_end_of_stream_error()
    {
        using var scope = torch.NewDisposeScope();
        var target = torch.zeros(10);
        using var stream = new MemoryStream(new byte[39]);
        Assert.Throws<EndOfStreamException>(() => TensorBytes.Read(stream, target, pieceBytes: 16));
    }

    [Fact]
    public void The_optimizer_state_length_is_what_save_writes()
    {
        using var scope = torch.NewDisposeScope();
        var parameters = new[]
        {
            new TorchSharp.Modules.Parameter(torch.randn(3, 4)),
            new TorchSharp.Modules.Parameter(torch.randn(5)),
            new TorchSharp.Modules.Parameter(torch.randn(2, 2, dtype: torch.float64)),
        };
        using var adam = new FusedAdam(parameters);
        using var stream = new MemoryStream();
        adam.Save(stream);
        Assert.Equal(stream.Length, adam.StateLength);
    }
}
