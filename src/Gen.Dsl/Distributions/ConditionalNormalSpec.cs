using Gen.Probability;
using Gen.Probability.Bijectors;
using Gen.Probability.Distributions;
using TorchSharp;
using Sequential = TorchSharp.Modules.Sequential;

namespace Gen.Dsl;

/// <summary>
/// A diagonal normal over vectors of <paramref name="Features"/> coordinates whose mean and scale a network computes
/// from a context of <paramref name="Context"/> features: N(μ(c), diag σ(c)²), the Gaussian head
/// <see cref="Head"/> with σ = softplus(raw + c₀) + 10⁻³ (<see cref="GaussianHead.UnitScaleAtZero"/>, as in
/// <see cref="StableLogScale"/>). The network's output layer starts at zero, so before training it is N(0, I) for every
/// context. As the base of a flow it makes the flow conditional on that context.
/// </summary>
/// <param name="Features">Length of one event.</param>
/// <param name="Context">Width of the context.</param>
/// <param name="Net">The network from the context to the mean and the unconstrained scale.</param>
public sealed record ConditionalNormalSpec(int Features, int Context, MlpSpec Net) : DistSpec
{
    /// <inheritdoc/>
    public override long[] EventShape => new long[] { Features };

    /// <inheritdoc/>
    public override int ContextFeatures => Context;

    /// <inheritdoc/>
    public override string ToString() => $"ConditionalNormal({Features}, context: {Context}, net: {Net})";

    /// <summary>Checks the node; throws <see cref="GenShapeException"/> naming <paramref name="path"/>.</summary>
    internal void Check(string path)
    {
        if (Features <= 0)
        {
            throw new GenShapeException(path, $"the number of features must be positive, got {Features}.");
        }

        if (Context <= 0)
        {
            throw new GenShapeException($"{path}.context", $"the context width must be positive, got {Context}.");
        }

        if (Net is null)
        {
            throw new GenShapeException($"{path}.net", "a conditional normal needs a network.");
        }

        Net.Check($"{path}.net");
    }

    /// <inheritdoc/>
    public override DistributionModule Compile()
    {
        Check("conditional_normal");
        return new Module(this);
    }

    private sealed class Module : DistributionModule
    {
        // The network gives all the means, then all the unconstrained scales: the head's layout for vectors.
        private static readonly GaussianHead Head = new(FixedScale: null, UnitScaleAtZero: true);

        private readonly Sequential net;
        private readonly int contextFeatures;

        public Module(ConditionalNormalSpec spec) : base("conditional_normal")
        {
            contextFeatures = spec.Context;
            net = spec.Net.Build(spec.Context, 2 * spec.Features, zeroLast: true);
            register_module("net", net);
        }

        public override IDistribution Build(torch.Tensor? context)
        {
            if (context is null || context.dim() < 1 || context.shape[^1] != contextFeatures)
            {
                var got = context is null ? "none" : $"a tensor of shape {Shape.Format(context.shape)}";
                throw new GenShapeException("conditional_normal.context", $"expects a context [..., {contextFeatures}], got {got}.");
            }

            return Head.Joint(net.forward(context), eventRank: 1);
        }
    }

    /// <inheritdoc/>
    public override void Measure(SpecBudget budget, string path)
    {
        budget.Features(path, Features);
        budget.Features($"{path}.context", Context);
        Net.Measure(budget, $"{path}.net", Context, 2L * Features);
    }
}
