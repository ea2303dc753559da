using System;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// An autoregressive layer over any elementwise map: a conditioner (typically a MADE) builds, from the values on one
/// side, an elementwise bijector g whose map at position i depends only on positions before i in some order. For
/// <see cref="AutoregressiveKind.Masked"/> (MAF) it reads the data side: x = g_x(u), so the density direction x ↦ u
/// costs one pass and sampling D passes; for <see cref="AutoregressiveKind.Inverse"/> (IAF) it reads the base side:
/// x = g_u(u), so sampling costs one pass and the density of external data D passes. log|det J| is the sum of g's
/// log-derivatives; the Jacobian is triangular in the conditioner's order, whatever that order is.
/// </summary>
/// <remarks>
/// The D-pass direction solves z = g_z⁻¹(given) (or g_z(given)) by fixed-point passes starting from zero: after pass k
/// the first k positions in the conditioner's order are exact, so after D passes all are, and the log-determinant of
/// the last pass is exact because position i's map reads positions before i only.
/// </remarks>
public sealed class AutoregressiveLayer : IBijector
{
    private readonly Func<torch.Tensor, IBijector> conditioner;
    private readonly string node;
    private readonly UnivariateMap? map;
    private readonly ISequentialConditioner? sequential;

    /// <summary>Creates the layer.</summary>
    /// <param name="conditioner">From values [..., D] on the side it reads to an elementwise bijector (event rank 0) acting on [..., D].</param>
    /// <param name="kind">Which side the conditioner reads: the data (MAF) or the base (IAF).</param>
    /// <param name="node">The layer's name in error messages.</param>
    public AutoregressiveLayer(Func<torch.Tensor, IBijector> conditioner, AutoregressiveKind kind, string? node = null)
    {
        this.conditioner = conditioner ?? throw new ArgumentNullException(nameof(conditioner));
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not an autoregressive kind.");
        }

        Kind = kind;
        this.node = node ?? (kind == AutoregressiveKind.Masked ? "masked_autoregressive" : "inverse_autoregressive");
    }

    /// <summary>
    /// The layer whose map is <paramref name="map"/> with parameters from an autoregressive network mapping [..., D] to
    /// [..., D, P] (for example a MADE with P outputs per feature).
    /// </summary>
    /// <param name="map">The elementwise map.</param>
    /// <param name="network">The autoregressive conditioner network.</param>
    /// <param name="kind">Which side the network reads.</param>
    public static AutoregressiveLayer Of(UnivariateMap map, Func<torch.Tensor, torch.Tensor> network, AutoregressiveKind kind) =>
        Of(map, network, kind, null);

    /// <summary>
    /// The layer whose map is <paramref name="map"/> with parameters from an autoregressive network, which, when
    /// <paramref name="sequential"/> is given, also gives them one feature at a time: the D-pass direction then solves
    /// feature by feature in about one pass of the network whenever gradients are off (sampling), and by D full passes
    /// when they are on (its in-place solve would break the gradient's graph).
    /// </summary>
    /// <param name="map">The elementwise map.</param>
    /// <param name="network">The autoregressive conditioner network, [..., D] to [..., D, P].</param>
    /// <param name="kind">Which side the network reads.</param>
    /// <param name="sequential">The same network, one feature at a time; null for none.</param>
    public static AutoregressiveLayer Of(UnivariateMap map, Func<torch.Tensor, torch.Tensor> network, AutoregressiveKind kind, ISequentialConditioner? sequential)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(network);
        return new AutoregressiveLayer(z => map.Bind(network(z)), kind, map, sequential);
    }

    private AutoregressiveLayer(Func<torch.Tensor, IBijector> conditioner, AutoregressiveKind kind, UnivariateMap map, ISequentialConditioner? sequential)
        : this(conditioner, kind)
    {
        this.map = map;
        this.sequential = sequential;
    }

    /// <summary>Which side the conditioner reads.</summary>
    public AutoregressiveKind Kind { get; }

    /// <inheritdoc/>
    public int EventRank => 1;

    /// <summary>Sampling direction u ↦ x: one pass for IAF, D passes for MAF.</summary>
    public Transformed ForwardAndLogDet(torch.Tensor x) =>
        Kind == AutoregressiveKind.Inverse ? OnePass(x, forward: true) : Solved(x, forward: true);

    /// <summary>Density direction x ↦ u: one pass for MAF, D passes for IAF.</summary>
    public Transformed InverseAndLogDet(torch.Tensor y) =>
        Kind == AutoregressiveKind.Masked ? OnePass(y, forward: false) : Solved(y, forward: false);

    /// <inheritdoc/>
    public override string ToString() => Kind == AutoregressiveKind.Masked ? "MaskedAutoregressive" : "InverseAutoregressive";

    // The map conditioned on the input itself: u ↦ g_u(u) for IAF, x ↦ g_x⁻¹(x) for MAF.
    private Transformed OnePass(torch.Tensor z, bool forward)
    {
        CheckInput(z);
        using var scope = torch.NewDisposeScope();
        var r = Step(z, z, forward);
        return new Transformed(r.Value.MoveToOuterDisposeScope(), r.LogDet.MoveToOuterDisposeScope());
    }

    // Solves z = g_z(given) (forward, MAF sampling) or z = g_z⁻¹(given) (IAF density) by D passes from zero.
    private Transformed Solved(torch.Tensor given, bool forward)
    {
        CheckInput(given);
        if (sequential is not null && map is not null && !torch.is_grad_enabled())
        {
            return SolvedSequentially(given, forward);
        }

        using var scope = torch.NewDisposeScope();
        long d = given.shape[^1];
        var result = new Transformed(torch.zeros_like(given), torch.zeros(given.shape[..^1], dtype: given.dtype, device: given.device));
        for (long pass = 0; pass < d; pass++)
        {
            result = Step(given, result.Value, forward);
        }

        return new Transformed(result.Value.MoveToOuterDisposeScope(), result.LogDet.MoveToOuterDisposeScope());
    }

    // The same solve feature by feature: each feature's map reads the features fixed before it, so one step per feature
    // gives it exactly, and the log-determinant is the sum of the features' log-derivatives.
    private Transformed SolvedSequentially(torch.Tensor given, bool forward)
    {
        using var scope = torch.NewDisposeScope();
        var z = torch.zeros_like(given).contiguous();
        var logDet = torch.zeros(given.shape[..^1], dtype: given.dtype, device: given.device);
        using (var solve = sequential!.Begin(z))
        {
            foreach (long feature in sequential.Order)
            {
                using var step = torch.NewDisposeScope();
                var g = map!.Bind(solve.Parameters(feature).unsqueeze(-2));
                var input = given.narrow(-1, feature, 1);
                var t = forward ? g.ForwardAndLogDet(input) : g.InverseAndLogDet(input);
                z.narrow(-1, feature, 1).copy_(t.Value);
                logDet.add_(t.LogDet.squeeze(-1));
                solve.Fixed(feature);
            }
        }

        return new Transformed(z.MoveToOuterDisposeScope(), logDet.MoveToOuterDisposeScope());
    }

    // g conditioned on conditionOn, applied to value in one direction; log-determinants summed over the features.
    private Transformed Step(torch.Tensor value, torch.Tensor conditionOn, bool forward)
    {
        var g = conditioner(conditionOn);
        var t = forward ? g.ForwardAndLogDet(value) : g.InverseAndLogDet(value);
        if (g.EventRank != 0 || !Shape.Same(t.Value, value) || !Shape.Same(t.LogDet, value))
        {
            throw new GenShapeException($"{node}.conditioner",
                $"must build an elementwise bijector (event rank 0) for the input's shape {Shape.Format(value.shape)}; it has event rank {g.EventRank} and gave values {Shape.Format(t.Value.shape)} with log-determinants {Shape.Format(t.LogDet.shape)}.");
        }

        return new Transformed(t.Value, t.LogDet.sum(-1));
    }

    private void CheckInput(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.dim() < 1 || value.shape[^1] < 1)
        {
            throw new GenShapeException(node, $"expects vector events [..., features], got a tensor of shape {Shape.Format(value.shape)}.");
        }
    }
}
