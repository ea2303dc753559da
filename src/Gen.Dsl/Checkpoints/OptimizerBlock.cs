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
/// then length-prefixed UTF-8 names), followed by <see cref="FusedAdam.Save"/>'s bytes, or, for any other optimizer
/// that saves its state, by <see cref="IStepOptimizer.SaveState"/>'s (the document then names the format). Names
/// rather than positions tie the state to the parameters, so an optimizer over a part of the model, or in another
/// order, comes back right.
/// </summary>
internal static class OptimizerBlock
{
    /// <summary>The state of <paramref name="optimizer"/>, whose parameters must all be <paramref name="model"/>'s, ready to stream.</summary>
    /// <exception cref="ArgumentException">The optimizer trains a tensor that is not one of the model's parameters.</exception>
    public static CheckpointPart Plan(torch.nn.Module model, FusedAdam optimizer)
    {
        var table = Names(model, optimizer.Parameters);
        return new CheckpointPart(table.Length + optimizer.StateLength, stream =>
        {
            stream.Write(table);
            optimizer.Save(stream);
        });
    }

    /// <summary>
    /// The state of any optimizer that saves its state (<see cref="IStepOptimizer.StateFormat"/>): the names of its
    /// parameters, then <see cref="IStepOptimizer.SaveState"/>'s bytes.
    /// </summary>
    /// <exception cref="ArgumentException">The optimizer trains a tensor that is not one of the model's parameters.</exception>
    public static CheckpointPart PlanState(torch.nn.Module model, IStepOptimizer optimizer)
    {
        var table = Names(model, optimizer.TrainedParameters);
        using var state = new MemoryStream();
        optimizer.SaveState(state);
        var bytes = state.ToArray();
        return new CheckpointPart(table.Length + bytes.Length, stream =>
        {
            stream.Write(table);
            stream.Write(bytes);
        });
    }

    /// <summary>
    /// Loads the state saved by <see cref="PlanState"/> into <paramref name="optimizer"/>, whose parameters must be the
    /// model's parameters of the same names in the same order, and whose own state must be as long as the saved one
    /// (the same settings over the same shapes), checked before a byte of it is read into the optimizer.
    /// </summary>
    /// <exception cref="GenCheckpointException">The state does not fit the optimizer (<see cref="CheckpointError.OptimizerMismatch"/>), or its table of names is malformed (<see cref="CheckpointError.Corrupted"/>).</exception>
    public static void ReadState(torch.nn.Module model, StreamSlice block, IStepOptimizer optimizer)
    {
        var saved = ReadNames(model, block);
        var names = model.named_parameters().ToDictionary(p => p.parameter.Handle, p => p.name);
        var own = optimizer.TrainedParameters;
        if (own.Count != saved.Count)
        {
            throw Mismatch($"the saved state is for {saved.Count} parameters, but the optimizer trains {own.Count}");
        }

        for (int i = 0; i < own.Count; i++)
        {
            if (!names.TryGetValue(own[i].Handle, out var name) || name != saved[i].Name)
            {
                throw Mismatch($"the optimizer's parameter {i} is {(name is null ? "not one of the model's" : $"'{name}'")}, but the saved state's is '{saved[i].Name}': build the optimizer over the same parameters in the same order");
            }
        }

        long length = block.Length - block.Position;
        using (var ownState = new MemoryStream())
        {
            optimizer.SaveState(ownState);
            if (ownState.Length != length)
            {
                throw Mismatch($"the saved state has {length} bytes, this optimizer's {ownState.Length}: it was saved by an optimizer with other settings or over parameters of other shapes");
            }
        }

        try
        {
            optimizer.LoadState(new StreamSlice(block, block.Position, length));
        }
        catch (InvalidDataException e)
        {
            throw Mismatch(e.Message, e);
        }
    }

    // The state-dict names of the parameters, in order: a 7-bit encoded count, then length-prefixed UTF-8 names.
    private static byte[] Names(torch.nn.Module model, IReadOnlyList<Parameter> parameters)
    {
        var names = model.named_parameters().ToDictionary(p => p.parameter.Handle, p => p.name);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write7BitEncodedInt64(parameters.Count);
            foreach (var (parameter, i) in parameters.Select((p, i) => (p, i)))
            {
                writer.Write(names.TryGetValue(parameter.Handle, out var name)
                    ? name
                    : throw new ArgumentException($"The optimizer's parameter {i} (shape {Shape.Format(parameter.shape)}) is not a parameter of the model being saved.", "optimizer"));
            }
        }

        return buffer.ToArray();
    }

    /// <summary>A new optimizer over <paramref name="model"/>'s parameters with the saved state.</summary>
    /// <exception cref="GenCheckpointException">The state does not fit the model's parameters (<see cref="CheckpointError.OptimizerMismatch"/>), or its table of names is malformed (<see cref="CheckpointError.Corrupted"/>).</exception>
    public static FusedAdam Read(torch.nn.Module model, StreamSlice block)
    {
        var ordered = ReadNames(model, block).Select(p => p.Parameter).ToList();
        try
        {
            return FusedAdam.Load(block, ordered);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or EndOfStreamException or OverflowException)
        {
            throw Mismatch(e.Message, e);
        }
    }

    // The table of names at the block's start, each matched to the model's parameter as it is read, so the list never
    // grows past the model's own parameters, whatever count the file claims; leaves the block at the state's start.
    private static List<(string Name, Parameter Parameter)> ReadNames(torch.nn.Module model, StreamSlice block)
    {
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        block.Position = 0;
        var ordered = new List<(string, Parameter)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var reader = new BinaryReader(block, Encoding.UTF8, leaveOpen: true);
        try
        {
            // A name takes at least its length byte.
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

                ordered.Add((name, parameter));
            }
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException)
        {
            throw new GenCheckpointException(
                CheckpointError.Corrupted, $"the optimizer state is malformed ({e.Message}), though the checksum matches: the file was written wrongly.", inner: e);
        }

        return ordered;
    }

    private static GenCheckpointException Mismatch(string message, Exception? inner = null) =>
        new(CheckpointError.OptimizerMismatch, $"the optimizer state does not fit the model: {message}", inner: inner);
}
