using System;
using Gen.Probability;
using Gen.Probability.Bijectors;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// An affine autoregressive layer whose conditioner is a MADE with two outputs per feature (a shift and a log-scale,
/// the latter through <see cref="StableLogScale"/>): MAF (<see cref="MaskedAutoregressive"/>, one-pass density,
/// D-pass sampling) or, when <paramref name="Inverse"/>, IAF (<see cref="InverseAutoregressive"/>, one-pass sampling,
/// D-pass density of external data). The MADE's output layer starts at zero, so a fresh layer is the identity.
/// </summary>
/// <param name="Hidden">The MADE's hidden-layer widths.</param>
/// <param name="Inverse">False for MAF, true for IAF.</param>
/// <param name="Order">The autoregressive order.</param>
/// <param name="Degrees">How the MADE's hidden units get their degrees.</param>
/// <param name="Activation">The MADE's activation.</param>
public sealed record MaskedAutoregressiveSpec(ValueList<int> Hidden, bool Inverse, InputOrder Order, HiddenDegrees Degrees, Activation Activation) : BijSpec
{
    /// <summary>The same layer with another order.</summary>
    public MaskedAutoregressiveSpec WithOrder(InputOrder order) => this with { Order = order ?? throw new ArgumentNullException(nameof(order)) };

    /// <summary>The same layer with another degree assignment.</summary>
    public MaskedAutoregressiveSpec WithDegrees(HiddenDegrees degrees) => this with { Degrees = degrees ?? throw new ArgumentNullException(nameof(degrees)) };

    /// <summary>The same layer with another activation.</summary>
    public MaskedAutoregressiveSpec WithActivation(Activation activation) => this with { Activation = activation };

    /// <inheritdoc/>
    public override string ToString() =>
        $"{(Inverse ? "InverseAutoregressive" : "MaskedAutoregressive")}(hidden: {Hidden}, order: {Order}, degrees: {Degrees}; {Activation.ToString().ToLowerInvariant()})";

    internal override void Check(string path, long features)
    {
        MadeSpec.CheckNetwork(path, Hidden, Order, Degrees, 1, features);
        MlpSpec.CheckActivation($"{path}.activation", Activation);
    }

    internal override BijectorModule Compile(long features, long contextFeatures) => new Module(this, features, contextFeatures);

    private sealed class Module : BijectorModule
    {
        private readonly Made made;
        private readonly bool inverse;

        public Module(MaskedAutoregressiveSpec spec, long features, long contextFeatures) : base(spec.Inverse ? "iaf" : "maf")
        {
            inverse = spec.Inverse;
            // The MADE feeds the context to every layer through unmasked weights (none when the width is 0).
            made = new Made(features, spec.Hidden, 2, contextFeatures, spec.Order, spec.Degrees, 1, spec.Activation, spec.Inverse ? "iaf.made" : "maf.made");
            made.ZeroOutput();
            register_module(nameof(made), made);
        }

        public override IBijector Build() =>
            inverse ? InverseAutoregressive.FromNetwork(made) : MaskedAutoregressive.FromNetwork(made);

        public override IBijector Build(torch.Tensor? context)
        {
            if (context is null)
            {
                return Build();
            }

            Func<torch.Tensor, AffineParameters> conditioner = x => Affine(made.Forward(x, context));
            return inverse ? new InverseAutoregressive(conditioner) : new MaskedAutoregressive(conditioner);
        }

        // The split of FromNetwork: [..., D, 2] into the shift and the unconstrained log-scale.
        private static AffineParameters Affine(torch.Tensor output) =>
            new(output.select(-1, 0), StableLogScale.FromUnconstrained(output.select(-1, 1)));
    }

    /// <inheritdoc/>
    internal override void Measure(SpecBudget budget, string path, long features, long contextFeatures) =>
        MadeSpec.MeasureNetwork(budget, path, features, Hidden, 2, contextFeatures);
}
