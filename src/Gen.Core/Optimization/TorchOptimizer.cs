using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Optimization;

/// <summary>
/// Adapts a TorchSharp optimizer (<c>torch.optim.SGD</c>, <c>RMSprop</c>, <c>AdamW</c> ...) to <see cref="IStepOptimizer"/>,
/// with its state: a trainer puts it back after a failed step, and checkpoints save it (TorchSharp's own state format,
/// tied to the model's parameter names).
/// </summary>
public sealed class TorchOptimizer : IStepOptimizer
{
    private readonly torch.optim.Optimizer optimizer;

    /// <summary>Wraps <paramref name="optimizer"/>; disposing the adapter disposes it.</summary>
    public TorchOptimizer(torch.optim.Optimizer optimizer) => this.optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));

    /// <summary>The learning rate of the first parameter group; setting it sets every group's.</summary>
    public double LearningRate
    {
        get => optimizer.ParamGroups.First().LearningRate;
        set
        {
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = value;
            }
        }
    }

    /// <summary>The optimizer's type name (<c>TorchSharp.Modules.Adam</c> ...), or null for an optimizer without TorchSharp's state format.</summary>
    public string? StateFormat => optimizer is OptimizerHelper ? optimizer.GetType().FullName : null;

    /// <summary>The parameters of every group, in order.</summary>
    public IReadOnlyList<Parameter> TrainedParameters => optimizer.parameters().ToArray();

    /// <inheritdoc/>
    public void ZeroGrad() => optimizer.zero_grad();

    /// <inheritdoc/>
    public void Step() => optimizer.step();

    /// <summary>Writes the state in TorchSharp's format (<c>save_state_dict</c>).</summary>
    /// <exception cref="NotSupportedException">The optimizer has no such format.</exception>
    public void SaveState(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        Helper().save_state_dict(writer);
    }

    /// <summary>
    /// Reads state in TorchSharp's format into the optimizer's own state tensors, which keeps their shapes: a state for
    /// other shapes, other groups or another number of parameters is refused.
    /// </summary>
    /// <exception cref="InvalidDataException">The state does not fit.</exception>
    public void LoadState(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            Helper().load_state_dict(reader);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or EndOfStreamException or System.Runtime.InteropServices.ExternalException or NotImplementedException)
        {
            throw new InvalidDataException($"the saved state does not fit this {optimizer.GetType().Name}: {e.Message}", e);
        }
    }

    /// <summary>A copy of the state in memory, put back by loading it.</summary>
    public IOptimizerSnapshot? Snapshot()
    {
        if (StateFormat is null)
        {
            return null;
        }

        var saved = new MemoryStream();
        SaveState(saved);
        return new StateSnapshot(this, saved.ToArray());
    }

    /// <inheritdoc/>
    public void Dispose() => optimizer.Dispose();

    private OptimizerHelper Helper() =>
        optimizer as OptimizerHelper ?? throw new NotSupportedException($"{optimizer.GetType().Name} has no TorchSharp state format to save or load.");

    private sealed class StateSnapshot(TorchOptimizer owner, byte[] state) : IOptimizerSnapshot
    {
        public void Restore()
        {
            using var stream = new MemoryStream(state, writable: false);
            owner.LoadState(stream);
        }

        public void Dispose()
        {
        }
    }
}
