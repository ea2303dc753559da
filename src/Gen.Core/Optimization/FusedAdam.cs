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
/// Adam (Kingma and Ba, 2015) with the same arithmetic as <c>torch.optim.Adam</c>, run over all parameters at once.
/// </summary>
/// <remarks>
/// <para>At construction the parameters of each device and dtype are gathered into one contiguous buffer, and every
/// parameter becomes a view of its slice (values are unchanged; the modules keep their parameters). On a GPU a step
/// then gathers the gradients with one concatenation and updates the whole buffer with a handful of kernels, where a
/// per-parameter optimizer launches about nine kernels for every parameter tensor; each launch costs microseconds, so
/// this is the difference between an optimizer step that is free and one that dominates a small model. On the CPU,
/// where memory traffic matters more, a step walks the buffer in cache-sized pieces with no temporaries the size of
/// the model: a large parameter is split over several pieces, and small neighbouring ones share one, so that a model
/// of many small tensors is not updated one tensor (about nine kernels) at a time.</para>
/// <para>Parameters whose gradient is missing in a step (unused by the loss) are left untouched, with their own step
/// counts, exactly as <c>torch.optim.Adam</c> does; such steps take a slower per-parameter path.</para>
/// <para>Create the optimizer after moving the model to its device and dtype: moving it afterwards replaces the
/// parameters, and the next <see cref="Step"/> fails with an error that says so rather than training stale copies.</para>
/// </remarks>
public sealed class FusedAdam : IStepOptimizer
{
    private readonly Group[] groups;

    // Where each parameter, in the order given at construction, lives: its group and its index there.
    private readonly (Group Group, int Index)[] slots;
    private bool disposed;

    /// <summary>Gathers the parameters and creates zeroed moment estimates.</summary>
    /// <param name="parameters">The parameters to train; each at most once.</param>
    /// <param name="learningRate">Step size (lr).</param>
    /// <param name="beta1">Decay of the first-moment estimate.</param>
    /// <param name="beta2">Decay of the second-moment estimate.</param>
    /// <param name="epsilon">Added to the denominator for stability.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient (as <c>torch.optim.Adam</c>'s weight_decay, not AdamW).</param>
    /// <exception cref="ArgumentException">A hyper-parameter is out of range, or a parameter is listed twice.</exception>
    public FusedAdam(IEnumerable<Parameter> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Require(learningRate >= 0 && double.IsFinite(learningRate), nameof(learningRate), learningRate, "non-negative and finite");
        Require(beta1 is >= 0 and < 1, nameof(beta1), beta1, "in [0, 1)");
        Require(beta2 is >= 0 and < 1, nameof(beta2), beta2, "in [0, 1)");
        Require(epsilon >= 0, nameof(epsilon), epsilon, "non-negative");
        Require(weightDecay >= 0, nameof(weightDecay), weightDecay, "non-negative");
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;

        var list = parameters.ToList();
        if (list.Select(p => p.Handle).Distinct().Count() != list.Count)
        {
            throw new ArgumentException("fused_adam: a parameter is listed more than once.", nameof(parameters));
        }

        groups = list
            .GroupBy(p => (p.device_type, p.device_index, p.dtype))
            .Select(g => new Group(g.ToArray()))
            .ToArray();
        var slotOf = groups.SelectMany(g => g.Parameters.Select((p, i) => (p.Handle, Slot: (g, i)))).ToDictionary(e => e.Handle, e => e.Slot);
        slots = list.Select(p => slotOf[p.Handle]).ToArray();
        Parameters = list.AsReadOnly();
    }

    /// <summary>The parameters trained, in the order given at construction.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The step size; may be changed between steps (for a schedule).</summary>
    /// <exception cref="ArgumentException">Set to a negative or non-finite value.</exception>
    public double LearningRate
    {
        get => learningRate;
        set
        {
            Require(value >= 0 && double.IsFinite(value), nameof(LearningRate), value, "non-negative and finite");
            learningRate = value;
        }
    }

    private double learningRate;

    /// <summary>Decay of the first-moment estimate.</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the second-moment estimate.</summary>
    public double Beta2 { get; }

    /// <summary>Added to the denominator for stability.</summary>
    public double Epsilon { get; }

    /// <summary>L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; }

    /// <summary>Clears every parameter's gradient (sets it to none, so the next backward pass writes it afresh).</summary>
    public void ZeroGrad()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        foreach (var g in groups)
        {
            foreach (var p in g.Parameters)
            {
                p.grad = null;
            }
        }
    }

    /// <summary>Applies one Adam update from the parameters' current gradients.</summary>
    /// <exception cref="InvalidOperationException">A parameter no longer lives in the optimizer's buffer (the model was moved after the optimizer was made).</exception>
    public void Step()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        foreach (var g in groups)
        {
            g.Step(this);
        }
    }

    /// <summary>
    /// Writes the optimizer's state to <paramref name="stream"/>: the hyper-parameters (with the current learning rate)
    /// and, for each parameter in the order given at construction, its dtype, shape, step count and both moment
    /// estimates, bit for bit. <see cref="Load"/> reads it back.
    /// </summary>
    /// <param name="stream">Where to write; left open.</param>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ObjectDisposedException.ThrowIf(disposed, this);
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(StateTag);
        writer.Write(StateVersion);
        writer.Write(LearningRate);
        writer.Write(Beta1);
        writer.Write(Beta2);
        writer.Write(Epsilon);
        writer.Write(WeightDecay);
        writer.Write(slots.Length);
        foreach (var (group, index) in slots)
        {
            group.WriteState(writer, index);
        }
    }

    /// <summary>The number of bytes <see cref="Save"/> writes now (it depends only on the parameters' shapes and dtype).</summary>
    public long StateLength
    {
        get
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            // Tag, version, five hyper-parameters, count; then each parameter's record.
            return 4 + 4 + (5 * 8) + 4 + slots.Sum(s => s.Group.StateLength(s.Index));
        }
    }

    /// <summary>
    /// An optimizer over <paramref name="parameters"/> with the hyper-parameters, step counts and moment estimates that
    /// <see cref="Save"/> wrote, so training goes on exactly as if it had not stopped. The parameters must be listed in
    /// the order the saved optimizer had them, with the same shapes and dtypes (their values are not part of the state).
    /// </summary>
    /// <param name="stream">The saved state.</param>
    /// <param name="parameters">The parameters to train, after the model has been moved to its device and dtype.</param>
    /// <exception cref="InvalidDataException">The stream does not hold a saved state, or ends early.</exception>
    /// <exception cref="ArgumentException">The parameters do not fit the saved state; the message names the first that does not.</exception>
    public static FusedAdam Load(Stream stream, IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(parameters);
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        try
        {
            if (reader.ReadInt32() != StateTag)
            {
                throw new InvalidDataException("fused_adam: the stream does not hold a saved FusedAdam state.");
            }

            int version = reader.ReadInt32();
            if (version != StateVersion)
            {
                throw new InvalidDataException($"fused_adam: the saved state is in format version {version}; this version of Gen reads version {StateVersion}.");
            }

            var optimizer = new FusedAdam(parameters, reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble());
            try
            {
                int count = reader.ReadInt32();
                if (count != optimizer.slots.Length)
                {
                    throw new ArgumentException($"fused_adam: the saved state is for {count} parameters, but {optimizer.slots.Length} were given.", nameof(parameters));
                }

                for (int k = 0; k < optimizer.slots.Length; k++)
                {
                    var (group, index) = optimizer.slots[k];
                    group.ReadState(reader, index, k);
                }

                return optimizer;
            }
            catch
            {
                optimizer.Dispose();
                throw;
            }
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("fused_adam: the saved state ends early.", e);
        }
    }

    /// <summary>
    /// A copy of the moment estimates, step counts and learning rate (on the parameters' devices), which
    /// <see cref="IOptimizerSnapshot.Restore"/> puts back into this optimizer. The parameters' values are not part of it.
    /// </summary>
    public IOptimizerSnapshot Snapshot()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return new StateSnapshot(this);
    }

    /// <summary>Releases the moment estimates. The parameters stay valid: they keep the flat buffer alive.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        foreach (var g in groups)
        {
            g.Dispose();
        }
    }

    // The optimizer's state at one moment: each group's moments and step counts, and the learning rate.
    private sealed class StateSnapshot : IOptimizerSnapshot
    {
        private readonly FusedAdam owner;
        private readonly double learningRate;
        private readonly (torch.Tensor ExpAvg, torch.Tensor ExpAvgSq, long[] Steps)[] states;

        public StateSnapshot(FusedAdam owner)
        {
            this.owner = owner;
            learningRate = owner.LearningRate;
            states = owner.groups.Select(g => g.CopyState()).ToArray();
        }

        public void Restore()
        {
            ObjectDisposedException.ThrowIf(owner.disposed, owner);
            owner.LearningRate = learningRate;
            for (int i = 0; i < states.Length; i++)
            {
                owner.groups[i].RestoreState(states[i]);
            }
        }

        public void Dispose()
        {
            foreach (var (expAvg, expAvgSq, _) in states)
            {
                expAvg.Dispose();
                expAvgSq.Dispose();
            }
        }
    }

    // "ADAM" in ASCII, read as a little-endian integer.
    private const int StateTag = 0x4D414441;
    private const int StateVersion = 1;

    private static void Require(bool ok, string name, double value, string what)
    {
        if (!ok)
        {
            throw new ArgumentException($"fused_adam: {name} must be {what}, got {value}.", name);
        }
    }

    // The parameters of one device and dtype, viewed into one flat buffer.
    private sealed class Group : IDisposable
    {
        // The group whose buffer each parameter lives in now. A second FusedAdam over a parameter (made twice, or by
        // Model.LoadOptimizer beside a live one, or over a leading run of the same parameters) moves it into its own
        // buffer at the same offset, which the view check alone cannot tell apart; the first must then refuse to step
        // rather than update a buffer the model no longer reads.
        private static readonly ConditionalWeakTable<Parameter, Group> Owners = new();

        private readonly torch.Tensor flat;
        private readonly torch.Tensor expAvg;
        private readonly torch.Tensor expAvgSq;
        private readonly torch.Tensor scratch;
        private readonly long[] offsets;
        private readonly long[] sizes;
        private readonly long[] steps;
        private readonly PieceOfBuffer[] pieces;

        public Group(Parameter[] parameters)
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
            scratch = Keep(torch.empty_like(flat));
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
                            step,
                            scratch.narrow(0, piece.Start, piece.Length));
                    }
                }
                else
                {
                    // On a GPU each kernel launch costs microseconds: gather the gradients with one concatenation and
                    // update the whole buffer with a handful of kernels.
                    Update(o, flat, expAvg, expAvgSq, torch.cat(grads.Select(t => t!.reshape(-1)).ToArray(), 0), step, scratch);
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
                    step,
                    scratch.narrow(0, offset + start, n));
            }
        }

        public void Dispose()
        {
            expAvg.Dispose();
            expAvgSq.Dispose();
            scratch.Dispose();
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
        private static void Update(FusedAdam o, torch.Tensor param, torch.Tensor m, torch.Tensor v, torch.Tensor grad, long step, torch.Tensor scratch)
        {
            if (o.WeightDecay != 0)
            {
                grad = grad.add(param, o.WeightDecay);
            }

            double bias1 = 1 - Math.Pow(o.Beta1, step);
            double bias2 = 1 - Math.Pow(o.Beta2, step);
            m.mul_(o.Beta1).add_(grad, 1 - o.Beta1);
            v.mul_(o.Beta2).addcmul_(grad, grad, 1 - o.Beta2);
            // The denominator √(v / bias2) + ε, written into a buffer kept between steps rather than a fresh temporary.
            var denominator = scratch.copy_(v).sqrt_().div_(Math.Sqrt(bias2)).add_(o.Epsilon);
            param.addcdiv_(m, denominator, -o.LearningRate / bias1);
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
}
