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
    private readonly FlatParameterGroup[] groups;

    // Where each parameter, in the order given at construction, lives: its group and its index there.
    private readonly (FlatParameterGroup Group, int Index)[] slots;
    private bool disposed;

    /// <summary>The groups of parameters, one per device and dtype.</summary>
    internal IReadOnlyList<FlatParameterGroup> Groups => groups;

    /// <summary>Whether <see cref="Dispose"/> has run.</summary>
    internal bool IsDisposed => disposed;

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
            .Select(g => new FlatParameterGroup(g.ToArray()))
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

    /// <summary>The format <see cref="SaveState"/> writes: <see cref="Save"/>'s.</summary>
    public string StateFormat => typeof(FusedAdam).FullName!;

    /// <summary>The parameters trained, in the order the saved state lists them (<see cref="Parameters"/>).</summary>
    public IReadOnlyList<Parameter> TrainedParameters => Parameters;

    /// <summary>Writes the state as <see cref="Save"/> does.</summary>
    /// <param name="stream">Where to write; left open.</param>
    public void SaveState(Stream stream) => Save(stream);

    /// <summary>
    /// Reads into this optimizer the state <see cref="Save"/> wrote from an optimizer with the same betas, ε and weight
    /// decay over parameters of the same shapes and dtype, in the same order: the learning rate, step counts and moment
    /// estimates. Nothing changes unless the whole state fits.
    /// </summary>
    /// <param name="stream">The saved state.</param>
    /// <exception cref="InvalidDataException">The stream does not hold such a state, ends early, or its settings or shapes differ; the message names the first difference.</exception>
    public void LoadState(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ObjectDisposedException.ThrowIf(disposed, this);
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        using var before = new FusedAdamSnapshot(this);
        try
        {
            if (reader.ReadInt32() != StateTag || reader.ReadInt32() != StateVersion)
            {
                throw new InvalidDataException($"fused_adam: the stream does not hold a FusedAdam state of format version {StateVersion}.");
            }

            double savedRate = reader.ReadDouble();
            var saved = (Beta1: reader.ReadDouble(), Beta2: reader.ReadDouble(), Epsilon: reader.ReadDouble(), WeightDecay: reader.ReadDouble());
            if (saved != (Beta1, Beta2, Epsilon, WeightDecay))
            {
                throw new InvalidDataException($"fused_adam: the saved state has betas ({saved.Beta1}, {saved.Beta2}), epsilon {saved.Epsilon} and weight decay {saved.WeightDecay}, this optimizer ({Beta1}, {Beta2}), {Epsilon} and {WeightDecay}.");
            }

            int count = reader.ReadInt32();
            if (count != slots.Length)
            {
                throw new InvalidDataException($"fused_adam: the saved state is for {count} parameters, this optimizer trains {slots.Length}.");
            }

            LearningRate = savedRate;
            for (int k = 0; k < slots.Length; k++)
            {
                var (group, index) = slots[k];
                group.ReadState(reader, index, k);
            }
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or EndOfStreamException)
        {
            // Put back what a partial read changed (the learning rate included).
            before.Restore();
            throw e as InvalidDataException ?? new InvalidDataException(e.Message, e);
        }
    }

    /// <summary>
    /// A copy of the moment estimates, step counts and learning rate (on the parameters' devices), which
    /// <see cref="IOptimizerSnapshot.Restore"/> puts back into this optimizer. The parameters' values are not part of it.
    /// </summary>
    public IOptimizerSnapshot Snapshot()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return new FusedAdamSnapshot(this);
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
}
