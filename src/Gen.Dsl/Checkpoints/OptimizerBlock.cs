using System;
using System.Collections.Generic;
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
    /// <summary>The state of <paramref name="optimizer"/>, whose parameters must all be <paramref name="model"/>'s, ready to stream.</summary>
    /// <exception cref="ArgumentException">The optimizer trains a tensor that is not one of the model's parameters.</exception>
    public static CheckpointPart Plan(torch.nn.Module model, FusedAdam optimizer)
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

        var table = buffer.ToArray();
        return new CheckpointPart(table.Length + optimizer.StateLength, stream =>
        {
            stream.Write(table);
            optimizer.Save(stream);
        });
    }

    /// <summary>A new optimizer over <paramref name="model"/>'s parameters with the saved state.</summary>
    /// <exception cref="GenCheckpointException">The state does not fit the model's parameters (<see cref="CheckpointError.OptimizerMismatch"/>), or its table of names is malformed (<see cref="CheckpointError.Corrupted"/>).</exception>
    public static FusedAdam Read(torch.nn.Module model, StreamSlice block)
    {
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        block.Position = 0;
        var ordered = new List<Parameter>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using (var reader = new BinaryReader(block, Encoding.UTF8, leaveOpen: true))
        {
            try
            {
                // A name takes at least its length byte. Each name is matched as it is read, so the list never grows
                // past the model's own parameters, whatever count the file claims.
                long count = BlockReading.Count(reader, block, 1, "parameter names");
                for (long i = 0; i < count; i++)
                {
                    var name = BlockReading.String(reader, block);
                    if (!parameters.TryGetValue(name, out var parameter))
                    {
                        throw Mismatch($"the optimizer state is for a parameter '{name}', which the model does not have");
                    }

                    if (!seen.Add(name))
                    {
                        throw Mismatch($"the optimizer state lists the parameter '{name}' twice");
                    }

                    ordered.Add(parameter);
                }
            }
            catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException)
            {
                throw new GenCheckpointException(
                    CheckpointError.Corrupted, $"the optimizer state is malformed ({e.Message}), though the checksum matches: the file was written wrongly.", inner: e);
            }
        }

        try
        {
            return FusedAdam.Load(block, ordered);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or EndOfStreamException or OverflowException)
        {
            throw Mismatch(e.Message, e);
        }
    }

    private static GenCheckpointException Mismatch(string message, Exception? inner = null) =>
        new(CheckpointError.OptimizerMismatch, $"the optimizer state does not fit the model: {message}", inner: inner);
}
