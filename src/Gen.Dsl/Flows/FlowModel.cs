using System;
using System.Collections.Generic;
using System.Linq;
using Gen.Probability;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// A compiled flow: a TorchSharp module (so <c>parameters()</c>, optimizers, <c>to()</c>, <c>train()</c>/<c>eval()</c> and
/// <c>state_dict()</c> work as usual) whose forward pass is the log-density of a batch.
/// </summary>
public sealed class FlowModel : torch.nn.Module<torch.Tensor, torch.Tensor>, IDifferentiableSampler
{
    private readonly DistributionModule baseModule;
    private readonly ModuleList<BijectorModule> steps;

    internal FlowModel(FlowSpec spec, DistributionModule baseModule, BijectorModule[] steps) : base("flow")
    {
        Spec = spec;
        this.baseModule = baseModule;
        this.steps = new ModuleList<BijectorModule>(steps);
        register_module("base", baseModule);
        register_module("steps", this.steps);
    }

    /// <summary>The spec this model was compiled from.</summary>
    public FlowSpec Spec { get; }

    /// <summary>The flow as a distribution built from the current parameters.</summary>
    public IDistribution Distribution() =>
        new Gen.Probability.Distributions.TransformedDistribution(baseModule.Build(), BijectorExtensions.Chain(steps.Select(s => s.Build())));

    /// <summary>log p(x) in nats for a batch of shape [batch, features]; returns shape [batch].</summary>
    /// <exception cref="GenShapeException">x does not have the flow's feature count.</exception>
    /// <exception cref="ArgumentException">x has another dtype or device than the model.</exception>
    public torch.Tensor LogProb(torch.Tensor x)
    {
        CheckInput(x);
        using var scope = torch.NewDisposeScope();
        return Distribution().LogProb(x).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor forward(torch.Tensor input) => LogProb(input);

    /// <summary>Draws <paramref name="count"/> samples (no gradient), shape [count, features].</summary>
    public torch.Tensor Sample(long count, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        using var frozen = MaskedWeights.Freeze(); // MAF layers sample in one pass per feature with fixed weights
        return Distribution().Sample(new[] { count }, generator).MoveToOuterDisposeScope();
    }

    /// <summary>The shape of one sample, [features].</summary>
    public IReadOnlyList<long> SampleShape => new[] { Spec.Features };

    /// <summary>Draws <paramref name="count"/> reparameterised samples [count, features], differentiable with respect to the flow's parameters.</summary>
    public torch.Tensor RSample(long count, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        return Distribution().RSample(new[] { count }, generator).MoveToOuterDisposeScope();
    }

    /// <summary>Draws reparameterised samples and their log-density in one forward pass.</summary>
    public Sampled SampleAndLogProb(long count, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        var s = Distribution().SampleAndLogProb(new[] { count }, generator);
        return new Sampled(s.Value.MoveToOuterDisposeScope(), s.LogProb.MoveToOuterDisposeScope());
    }

    private void CheckInput(torch.Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        Shape.CheckTrailing(x, new[] { Spec.Features }, "flow.log_prob");
        var reference = parameters().FirstOrDefault() ?? buffers().First();
        if (x.dtype != reference.dtype)
        {
            throw new ArgumentException($"flow.log_prob: the model computes in {reference.dtype}, but the data is {x.dtype}; convert it with .to({reference.dtype}).", nameof(x));
        }

        if (x.device.type != reference.device.type || x.device.index != reference.device.index)
        {
            throw new ArgumentException($"flow.log_prob: the model lives on {reference.device}, but the data is on {x.device}.", nameof(x));
        }
    }
}
