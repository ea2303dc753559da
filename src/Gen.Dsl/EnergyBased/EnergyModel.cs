using System;
using System.Linq;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A compiled energy-based model (<see cref="EnergySpec"/>): <see cref="Energy"/> gives E(x) per example, and a joint
/// energy model also classifies (<see cref="Logits"/>, <see cref="Classify"/>). Its <c>forward</c> is the energy, so a
/// <see cref="ContrastiveDivergence"/> over <c>model.Energy</c> trains it.
/// </summary>
public sealed class EnergyModel : torch.nn.Module<torch.Tensor, torch.Tensor>
{
    private const string Node = "energy";
    private readonly torch.nn.Module<torch.Tensor, torch.Tensor> network;

    internal EnergyModel(EnergySpec spec) : base("energy")
    {
        Spec = spec;
        network = spec.Network.Build(spec.EventShape, new[] { spec.Outputs });
        register_module("network", network);
    }

    /// <summary>The spec this model was compiled from.</summary>
    public EnergySpec Spec { get; }

    /// <summary>The shape of one example.</summary>
    public long[] EventShape => Spec.EventShape;

    /// <summary>E(x) for a batch x [batch, ...data shape]: [batch]; for a joint energy model −log Σ_y exp f(x)[y].</summary>
    /// <exception cref="GenShapeException">x is not [batch, ...data shape].</exception>
    /// <exception cref="ArgumentException">x has another dtype or device than the model.</exception>
    public torch.Tensor Energy(torch.Tensor x)
    {
        var output = Output(x, "energy.energy");
        return Spec.Classes > 0 ? -output.logsumexp(-1) : output.squeeze(-1);
    }

    /// <inheritdoc/>
    public override torch.Tensor forward(torch.Tensor input) => Energy(input);

    /// <summary>The K class logits f(x) of a joint energy model, [batch, K]; log p(y | x) is their log-softmax.</summary>
    /// <exception cref="InvalidOperationException">The model has no classes.</exception>
    public torch.Tensor Logits(torch.Tensor x)
    {
        if (Spec.Classes == 0)
        {
            throw new InvalidOperationException($"{Node}.logits: the model is an energy alone; declare classes with EnergySpec.WithClasses to classify.");
        }

        return Output(x, "energy.logits");
    }

    /// <summary>The most probable class of each example, int64 [batch].</summary>
    /// <exception cref="InvalidOperationException">The model has no classes.</exception>
    public torch.Tensor Classify(torch.Tensor x)
    {
        using var noGrad = torch.no_grad();
        return Logits(x).argmax(-1);
    }

    /// <summary>
    /// <paramref name="count"/> samples of p(x) ∝ exp(−E(x)): chains of <paramref name="sampler"/> from the uniform law on
    /// [<paramref name="low"/>, <paramref name="high"/>]^D.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The count is not positive, or the range is empty.</exception>
    public torch.Tensor Sample(long count, McmcSampler sampler, double low = -1, double high = 1, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        using var scope = torch.NewDisposeScope();
        var start = ModelInput.UniformStart(count, EventShape, low, high, Reference, generator, $"{Node}.sample");
        return sampler.Run(Energy, start, generator).Samples.MoveToOuterDisposeScope();
    }

    private torch.Tensor Output(torch.Tensor x, string node)
    {
        ModelInput.CheckBatch(x, EventShape, Reference, node);
        return network.forward(x);
    }

    private torch.Tensor Reference => parameters().First();
}
