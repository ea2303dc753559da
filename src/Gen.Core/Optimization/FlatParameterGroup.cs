using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using Gen.Runtime;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Optimization;

/// <summary>
/// The parameters of one device and dtype that a <see cref="FusedAdam"/> trains, viewed into one flat buffer with
/// Adam's moment estimates beside it: the aliasing, the update in cache-sized pieces, and each parameter's saved record.
/// </summary>
internal sealed class FlatParameterGroup : IDisposable
{
    // The group whose buffer each parameter lives in now. A second FusedAdam over a parameter (made twice, or by
    // Model.LoadOptimizer beside a live one, or over a leading run of the same parameters) moves it into its own
    // buffer at the same offset, which the view check alone cannot tell apart; the first must then refuse to step
    // rather than update a buffer the model no longer reads.
    private static readonly ConditionalWeakTable<Parameter, FlatParameterGroup> Owners = new();

    private readonly torch.Tensor flat;
    private readonly torch.Tensor expAvg;
    private readonly torch.Tensor expAvgSq;
    private readonly long[] offsets;
    private readonly long[] sizes;
    private readonly long[] steps;
    private readonly PieceOfBuffer[] pieces;

    public FlatParameterGroup(Parameter[] parameters)
    {
        Parameters = parameters;
        sizes = parameters.Select(p => p.numel()).ToArray();
        offsets = new long[sizes.Length];
        for (int i = 1; i < sizes.Length; i++)
        {
            offsets[i] = offsets[i - 1] + sizes[i - 1];
        }

        steps = new long[sizes.Length];
        pieces = PieceOfBuffer.Cover(sizes, Piece, SharedBelow);
        var first = parameters[0];
        long total = sizes.Sum();
        using var noGrad = torch.no_grad();
        flat = Keep(torch.empty(total, dtype: first.dtype, device: first.device));
        for (int i = 0; i < parameters.Length; i++)
        {
            var slice = flat.narrow(0, offsets[i], sizes[i]);
            slice.copy_(parameters[i].reshape(-1));
            parameters[i].set_(slice.view(parameters[i].shape));
            slice.Dispose();
            Owners.AddOrUpdate(parameters[i], this);
        }

        expAvg = Keep(torch.zeros_like(flat));
        expAvgSq = Keep(torch.zeros_like(flat));
    }

    public Parameter[] Parameters { get; }

    public void Step(FusedAdam o)
    {
        CheckViews();
        var grads = new torch.Tensor?[Parameters.Length];
        bool all = true;
        for (int i = 0; i < Parameters.Length; i++)
        {
            grads[i] = Parameters[i].grad;
            all &= grads[i] is not null;
        }

        if (all && steps.All(s => s == steps[0]))
        {
            long step = ++steps[0];
            for (int i = 1; i < steps.Length; i++)
            {
                steps[i] = step;
            }

            if (flat.device_type == DeviceType.CPU)
            {
                // On the CPU memory traffic matters more than launches: update the buffer in cache-sized pieces,
                // reading a gradient where it lies when a piece holds one parameter's elements only, and
                // gathering the gradients of the small parameters that share a piece.
                foreach (var piece in pieces)
                {
                    using var scope = torch.NewDisposeScope();
                    var grad = piece.Parts.Length == 1
                        ? piece.Parts[0].Of(grads)
                        : torch.cat(piece.Parts.Select(part => part.Of(grads)).ToArray(), 0);
                    Update(
                        o,
                        flat.narrow(0, piece.Start, piece.Length),
                        expAvg.narrow(0, piece.Start, piece.Length),
                        expAvgSq.narrow(0, piece.Start, piece.Length),
                        grad,
                        step);
                }
            }
            else
            {
                // On a GPU each kernel launch costs microseconds: gather the gradients with one concatenation and
                // update the whole buffer with a handful of kernels.
                Update(o, flat, expAvg, expAvgSq, torch.cat(grads.Select(t => t!.reshape(-1)).ToArray(), 0), step);
            }

            return;
        }

        for (int i = 0; i < Parameters.Length; i++)
        {
            if (grads[i] is { } grad)
            {
                UpdateSlices(o, offsets[i], grad.reshape(-1), ++steps[i]);
            }
        }
    }

    // Elements per piece on the CPU: 256K floats (1 MiB) per buffer keeps the five buffers a piece touches in cache.
    private const long Piece = 1L << 18;

    // Parameters under 32K elements share pieces: updating one alone costs about nine kernel calls (some 25 µs on
    // the CPU), copying its gradient into a shared piece about a nanosecond per element.
    private const long SharedBelow = 1L << 15;

    private void UpdateSlices(FusedAdam o, long offset, torch.Tensor grad, long step)
    {
        long size = grad.numel();
        for (long start = 0; start < size; start += Piece)
        {
            using var scope = torch.NewDisposeScope();
            long n = Math.Min(Piece, size - start);
            Update(
                o,
                flat.narrow(0, offset + start, n),
                expAvg.narrow(0, offset + start, n),
                expAvgSq.narrow(0, offset + start, n),
                grad.narrow(0, start, n),
                step);
        }
    }

    public void Dispose()
    {
        expAvg.Dispose();
        expAvgSq.Dispose();
    }

    public (torch.Tensor ExpAvg, torch.Tensor ExpAvgSq, long[] Steps) CopyState()
    {
        using var noGrad = torch.no_grad();
        return (expAvg.clone().DetachFromDisposeScope(), expAvgSq.clone().DetachFromDisposeScope(), (long[])steps.Clone());
    }

    public void RestoreState((torch.Tensor ExpAvg, torch.Tensor ExpAvgSq, long[] Steps) state)
    {
        using var noGrad = torch.no_grad();
        expAvg.copy_(state.ExpAvg);
        expAvgSq.copy_(state.ExpAvgSq);
        Array.Copy(state.Steps, steps, steps.Length);
    }

    // One parameter's state: dtype, shape, step count, then the raw bytes of both moment estimates.
    public void WriteState(BinaryWriter writer, int i)
    {
        using var scope = torch.NewDisposeScope();
        var shape = Parameters[i].shape;
        writer.Write((int)flat.dtype);
        writer.Write(shape.Length);
        foreach (var size in shape)
        {
            writer.Write(size);
        }

        writer.Write(steps[i]);
        writer.Flush();
        // In pieces: one Span of a moment estimate stops at 2 GB.
        TensorBytes.Write(writer.BaseStream, expAvg.narrow(0, offsets[i], sizes[i]));
        TensorBytes.Write(writer.BaseStream, expAvgSq.narrow(0, offsets[i], sizes[i]));
    }

    // The bytes WriteState writes for the parameter at index i.
    public long StateLength(int i) => 4 + 4 + (8L * Parameters[i].shape.Length) + 8 + (2 * sizes[i] * flat.ElementSize);

    // Reads what WriteState wrote for the parameter at position `position` of the optimizer's list.
    public void ReadState(BinaryReader reader, int i, int position)
    {
        using var scope = torch.NewDisposeScope();
        var dtype = (torch.ScalarType)reader.ReadInt32();
        int rank = reader.ReadInt32();
        if (rank is < 0 or > 64)
        {
            // Checked before allocating: a damaged negative rank would otherwise raise OverflowException.
            throw new InvalidDataException($"fused_adam: the saved state of parameter {position} has rank {rank}; the state is damaged.");
        }

        var shape = new long[rank];

        for (int d = 0; d < shape.Length; d++)
        {
            shape[d] = reader.ReadInt64();
        }

        var parameter = Parameters[i];
        if (dtype != flat.dtype || !shape.SequenceEqual(parameter.shape))
        {
            throw new ArgumentException(
                $"fused_adam: the saved state of parameter {position} is for {dtype} {Shape.Format(shape)}, but that parameter is {flat.dtype} {Shape.Format(parameter.shape)}.",
                "parameters");
        }

        long step = reader.ReadInt64();
        if (step < 0)
        {
            throw new InvalidDataException($"fused_adam: the saved step count of parameter {position} is {step}; the state is damaged.");
        }

        steps[i] = step;
        using var noGrad = torch.no_grad();
        foreach (var moments in new[] { expAvg, expAvgSq })
        {
            // Straight into the buffer, in pieces: one array of a moment estimate stops at 2 GB. A stream that
            // ends early leaves part of it written, but then the whole optimizer is disposed.
            TensorBytes.Read(reader.BaseStream, moments.narrow(0, offsets[i], sizes[i]));
        }
    }

    // The arithmetic of torch.optim.Adam (amsgrad off), on a slice of the flat buffers.
    private static void Update(FusedAdam o, torch.Tensor param, torch.Tensor m, torch.Tensor v, torch.Tensor grad, long step)
    {
        if (o.WeightDecay != 0)
        {
            grad = grad.add(param, o.WeightDecay);
        }

        double bias1 = 1 - Math.Pow(o.Beta1, step);
        double bias2 = 1 - Math.Pow(o.Beta2, step);
        m.mul_(o.Beta1).add_(grad, 1 - o.Beta1);
        v.mul_(o.Beta2).addcmul_(grad, grad, 1 - o.Beta2);
        // (m / bias1) / (√(v / bias2) + ε) = (√bias2 / bias1) · m / (√v + ε·√bias2): the bias correction moves into
        // the two scalars, which saves a pass over the denominator; and √v is one fresh tensor rather than a copy
        // of v rooted in place (measured on the CPU: the update of a VAE 784-500-500-50 went from 2.94 to 2.45 ms,
        // torch.optim.Adam's 2.64).
        double root2 = Math.Sqrt(bias2);
        var denominator = v.sqrt().add_(o.Epsilon * root2);
        param.addcdiv_(m, denominator, -o.LearningRate * root2 / bias1);
    }

    // A move to another device or dtype replaces each parameter's storage: the device, dtype or offset into the
    // storage no longer match the slice the parameter was given (a same-sized reallocation would still show a
    // zero offset for every parameter but the first).
    private void CheckViews()
    {
        for (int i = 0; i < Parameters.Length; i++)
        {
            var p = Parameters[i];
            if (p.IsInvalid)
            {
                throw new InvalidOperationException(
                    $"fused_adam: parameter {i} has been disposed: the model was moved to another device or dtype, or disposed, after the optimizer was created. Create the optimizer after moving the model.");
            }

            if (!Owners.TryGetValue(p, out var owner) || !ReferenceEquals(owner, this))
            {
                throw new InvalidOperationException(
                    $"fused_adam: parameter {i} (shape {Shape.Format(p.shape)}) now belongs to another FusedAdam, created over it after this one " +
                    "(a second optimizer over the same parameters, or Model.LoadOptimizer): step that one, and dispose this one.");
            }

            if (p.device_type != flat.device_type || p.device_index != flat.device_index || p.dtype != flat.dtype || p.storage_offset() != offsets[i])
            {
                throw new InvalidOperationException(
                    $"fused_adam: parameter {i} (shape {Shape.Format(p.shape)}) is no longer the one this optimizer trains: " +
                    "the model was moved to another device or dtype, or its parameters were replaced, after the optimizer was created. Create the optimizer after moving the model.");
            }
        }
    }

    private static torch.Tensor Keep(torch.Tensor t)
    {
        t.DetachFromDisposeScope();
        return t;
    }
}
