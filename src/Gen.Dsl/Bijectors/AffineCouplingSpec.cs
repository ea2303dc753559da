using Gen.Probability;
using Gen.Probability.Bijectors;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// RealNVP's affine coupling (or NICE's additive coupling when <paramref name="Additive"/>): the network maps the
/// kept features to a shift and a log-scale for the others. The log-scale passes through tanh, and the output
/// layer starts at zero, so a fresh layer is the identity.
/// </summary>
/// <param name="Mask">Which features are kept.</param>
/// <param name="Net">The conditioner network.</param>
/// <param name="Additive">True for NICE's volume-preserving additive coupling (no scale).</param>
public sealed record AffineCouplingSpec(MaskSpec Mask, MlpSpec Net, bool Additive) : BijSpec
{
    /// <inheritdoc/>
    public override string ToString() => $"{(Additive ? "AdditiveCoupling" : "AffineCoupling")}(mask: {Mask}, net: {Net})";

    internal override void Check(string path, long features)
    {
        if (Mask.Features != features)
        {
            throw new GenShapeException($"{path}.mask", $"the mask has {Mask.Features} features, but the flow's events have {features}.");
        }

        Net.Check($"{path}.net");
    }

    internal override BijectorModule Compile(long features, long contextFeatures) => new Module(this, features, contextFeatures);

    private sealed class Module : BijectorModule
    {
        private readonly torch.Tensor mask;
        private readonly Sequential net;
        private readonly bool additive;

        public Module(AffineCouplingSpec spec, long features, long contextFeatures) : base("coupling")
        {
            additive = spec.Additive;
            mask = spec.Mask.Build();
            net = spec.Net.Build(features + contextFeatures, additive ? features : 2 * features, zeroLast: true);
            register_buffer("mask", mask);
            register_module("net", net);
        }

        private readonly BuiltPerBuffer built = new();

        public override IBijector Build() => built.For(mask, () => new AffineCoupling(mask, kept => Conditioner(kept, null)));

        // A context changes the layer, so a conditional one is built for each context rather than cached.
        public override IBijector Build(torch.Tensor? context) =>
            context is null ? Build() : new AffineCoupling(mask, kept => Conditioner(kept, context));

        private AffineParameters Conditioner(torch.Tensor kept, torch.Tensor? context)
        {
            var h = net.forward(ConditionerInput.Of(kept, context));
            if (additive)
            {
                return new AffineParameters(h, torch.zeros_like(h));
            }

            var parts = h.chunk(2, -1);
            return new AffineParameters(parts[0], torch.tanh(parts[1]));
        }
    }

    /// <inheritdoc/>
    internal override void Measure(SpecBudget budget, string path, long features, long contextFeatures)
    {
        budget.Buffer($"{path}.mask", features);
        Net.Measure(budget, $"{path}.net", features + contextFeatures, Additive ? features : 2 * features);
    }
}
