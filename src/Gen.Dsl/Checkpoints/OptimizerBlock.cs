using System;
using System.IO;
using System.Linq;
using System.Text;
using Gen.Optimization;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// An optimizer's state in a checkpoint: the state-dict names of its parameters, in its order (a 7-bit encoded count,
/// then length-prefixed UTF-8 names), followed by <see cref="FusedAdam.Save"/>'s bytes. Names rather than positions
/// tie the state to the parameters, so an optimizer over a part of the model, or in another order, comes back right.
/// </summary>
internal static class OptimizerBlock
{
    /// <summary>The state of <paramref name="optimizer"/>, whose parameters must all be <paramref name="model"/>'s.</summary>
    /// <exception cref="ArgumentException">The optimizer trains a tensor that is not one of the model's parameters.</exception>
    public static byte[] Write(torch.nn.Module model, FusedAdam optimizer)
    {
        var names = model.named_parameters().ToDictionary(p => p.parameter.Handle, p => p.name);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write7BitEncodedInt64(optimizer.Parameters.Count);
            foreach (var (parameter, i) in optimizer.Parameters.Select((p, i) => (p, i)))
            {
                writer.Write(names.TryGetValue(parameter.Handle, out var name)
                    ? name
                    : throw new ArgumentException($"The optimizer's parameter {i} (shape {Shape.Format(parameter.shape)}) is not a parameter of the model being saved.", nameof(optimizer)));
            }
        }

        optimizer.Save(buffer);
        return buffer.ToArray();
    }

    /// <summary>A new optimizer over <paramref name="model"/>'s parameters with the saved state.</summary>
    /// <exception cref="GenCheckpointException">The state does not fit the model's parameters (<see cref="CheckpointError.OptimizerMismatch"/>).</exception>
    public static FusedAdam Read(torch.nn.Module model, ArraySegment<byte> block)
    {
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        using var stream = new MemoryStream(block.Array!, block.Offset, block.Count, writable: false);
        try
        {
            Parameter[] ordered;
            using (var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true))
            {
                var names = new string[reader.Read7BitEncodedInt64()];
                for (int i = 0; i < names.Length; i++)
                {
                    names[i] = reader.ReadString();
                }

                ordered = names.Select(n => parameters.TryGetValue(n, out var p)
                    ? p
                    : throw Mismatch($"the optimizer state is for a parameter '{n}', which the model does not have")).ToArray();
            }

            return FusedAdam.Load(stream, ordered);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or EndOfStreamException or OverflowException)
        {
            throw Mismatch(e.Message, e);
        }
    }

    private static GenCheckpointException Mismatch(string message, Exception? inner = null) =>
        new(CheckpointError.OptimizerMismatch, $"the optimizer state does not fit the model: {message}", inner: inner);
}
