using System;
using System.Linq;
using TorchSharp;

namespace Gen.Optimization;

/// <summary>Adapts a TorchSharp optimizer (<c>torch.optim.SGD</c>, <c>RMSprop</c>, <c>AdamW</c> ...) to <see cref="IStepOptimizer"/>.</summary>
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

    /// <inheritdoc/>
    public void ZeroGrad() => optimizer.zero_grad();

    /// <inheritdoc/>
    public void Step() => optimizer.step();

    /// <inheritdoc/>
    public void Dispose() => optimizer.Dispose();
}
