using System;
using Gen.Probability;
using Gen.Probability.Bijectors;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// A planar flow step (Rezende and Mohamed 2015) with its own learnable parameters w, u (one number per feature) and b:
/// f(z) = z + û tanh(wᵀz + b), û the projection of u that keeps the map invertible (see <see cref="Planar"/>). w starts as a
/// small random vector (N(0, 0.1²) entries, from the build's seeded generator), b at 0, and u at
/// softplus⁻¹(1) w / ‖w‖² + v with v of N(0, 0.01²) entries: there m(wᵀu) ≈ 0, so û ≈ v and a fresh step is close to the
/// identity (the projection would turn a u near 0 into wᵀû = m(0) ≈ −0.31, a contraction along w). Sampling and <c>SampleAndLogProb</c> use the closed-form forward map; <c>LogProb</c> of
/// data needs the inverse, which is found numerically (tens of elementwise passes per step).
/// </summary>
public sealed record PlanarSpec : BijSpec, IParametersFromContext
{
    /// <summary>The standard deviation of the initial entries of w.</summary>
    public const double InitialScale = 0.1;

    /// <summary>The standard deviation of the initial entries of û.</summary>
    public const double InitialDisplacement = 0.01;

    /// <summary>softplus⁻¹(1) = log(e − 1): m(a) = −1 + softplus(a) is 0 there.</summary>
    private static readonly double NeutralInnerProduct = Math.Log(Math.E - 1);

    /// <inheritdoc/>
    public override string ToString() => "Planar";

    /// <inheritdoc/>
    public override void Check(string path, StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        shape.VectorFeatures(path);
    }

    /// <inheritdoc/>
    public override BijectorModule Compile(StepShape shape) => new Module(shape.Features);

    /// <summary>2D + 1: w and u (D each), then b.</summary>
    /// <param name="features">D.</param>
    public long ParameterCount(long features) => (2 * features) + 1;

    /// <inheritdoc/>
    public IBijector FromParameters(torch.Tensor parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        long d = (parameters.shape[^1] - 1) / 2;
        return new Planar(parameters.narrow(-1, 0, d), parameters.narrow(-1, d, d), parameters.narrow(-1, 2 * d, 1).squeeze(-1));
    }

    /// <summary>
    /// w with N(0, 0.1²) entries, u = softplus⁻¹(1) w / ‖w‖² (so û = 0: the identity) and b = 0, drawn through
    /// <see cref="DeviceRandom"/> (from the build's generator inside a seeded build).
    /// </summary>
    /// <param name="features">D.</param>
    public torch.Tensor IdentityParameters(long features)
    {
        var (w, u) = InitialDirections(features, displacement: 0);
        return torch.cat(new[] { w, u, torch.zeros(1) });
    }

    /// <summary>
    /// Initial w (N(0, 0.1²) entries) and u = softplus⁻¹(1) w / ‖w‖² + v, v with N(0, <paramref name="displacement"/>²)
    /// entries, so that û = v; float32 on the CPU, drawn through <see cref="DeviceRandom"/>.
    /// </summary>
    internal static (torch.Tensor W, torch.Tensor U) InitialDirections(long features, double displacement)
    {
        var w = DeviceRandom.Normal(new[] { features }, torch.float32, torch.CPU) * InitialScale;
        var u = NeutralInnerProduct * w / w.square().sum();
        if (displacement > 0)
        {
            u += DeviceRandom.Normal(new[] { features }, torch.float32, torch.CPU) * displacement;
        }

        return (w, u);
    }

    private sealed class Module : BijectorModule
    {
        private readonly Parameter w;
        private readonly Parameter u;
        private readonly Parameter b;

        public Module(long features) : base("planar")
        {
            var (w0, u0) = InitialDirections(features, InitialDisplacement);
            w = new Parameter(w0); // takes over w0's storage
            u = new Parameter(u0);
            b = new Parameter(torch.zeros(Array.Empty<long>()));
            register_parameter("w", w);
            register_parameter("u", u);
            register_parameter("b", b);
        }

        public override IBijector Build(torch.Tensor? context) => new Planar(w, u, b);
    }

    /// <inheritdoc/>
    public override void Measure(SpecBudget budget, string path, StepShape shape) => budget.Add(path, (2 * (Int128)shape.Features) + 1);
}
