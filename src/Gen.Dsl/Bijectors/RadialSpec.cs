using System;
using Gen.Probability;
using Gen.Probability.Bijectors;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// A radial flow step (Rezende and Mohamed 2015) with its own learnable centre z₀ (one number per feature) and the two
/// unconstrained numbers that give α &gt; 0 and β ≥ −α (see <see cref="Radial"/>): f(z) = z + β (z − z₀) / (α + ‖z − z₀‖).
/// The centre starts as a small random vector (N(0, 0.1²) each, from the build's seeded generator) and β at 0, so a
/// fresh step is the identity. Both directions are closed form.
/// </summary>
public sealed record RadialSpec : BijSpec, IParametersFromContext
{
    /// <summary>The standard deviation of the initial centre's entries.</summary>
    public const double InitialScale = 0.1;

    /// <inheritdoc/>
    public override string ToString() => "Radial";

    /// <inheritdoc/>
    public override void Check(string path, StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        shape.VectorFeatures(path);
    }

    /// <inheritdoc/>
    public override BijectorModule Compile(StepShape shape) => new Module(shape.Features);

    /// <summary>D + 2: the centre z₀ (D numbers), then α and β before their softplus.</summary>
    /// <param name="features">D.</param>
    public long ParameterCount(long features) => features + 2;

    /// <inheritdoc/>
    public IBijector FromParameters(torch.Tensor parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        long d = parameters.shape[^1] - 2;
        return new Radial(parameters.narrow(-1, 0, d), parameters.narrow(-1, d, 1).squeeze(-1), parameters.narrow(-1, d + 1, 1).squeeze(-1));
    }

    /// <summary>Zeros: z₀ = 0, and α, β at 0 before their softplus, where β is 0 (the identity).</summary>
    /// <param name="features">D.</param>
    public torch.Tensor IdentityParameters(long features) => torch.zeros(features + 2);

    private sealed class Module : BijectorModule
    {
        private readonly Parameter center;
        private readonly Parameter alpha;
        private readonly Parameter beta;

        public Module(long features) : base("radial")
        {
            center = new Parameter(DeviceRandom.Normal(new[] { features }, torch.float32, torch.CPU) * InitialScale);
            // softplus(0) − softplus(0) = 0: β starts at 0, the identity.
            alpha = new Parameter(torch.zeros(System.Array.Empty<long>()));
            beta = new Parameter(torch.zeros(System.Array.Empty<long>()));
            register_parameter("center", center);
            register_parameter("alpha", alpha);
            register_parameter("beta", beta);
        }

        public override IBijector Build(torch.Tensor? context) => new Radial(center, alpha, beta);
    }

    /// <inheritdoc/>
    public override void Measure(SpecBudget budget, string path, StepShape shape) => budget.Add(path, (Int128)shape.Features + 2);
}
