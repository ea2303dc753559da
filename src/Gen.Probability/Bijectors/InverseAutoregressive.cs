using System;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// The affine layer of an inverse autoregressive flow (IAF, Kingma et al. 2016), mapping base noise u to x:
/// x_i = u_i·exp(s_i(u_&lt;i)) + t_i(u_&lt;i), where the conditioner (typically a MADE) reads the noise side.
/// Sampling (the forward map) and the log-density of its own samples cost one conditioner pass; the log-density of
/// external data (the inverse, x ↦ u) costs D passes. <see cref="MaskedAutoregressive"/> is the mirror image.
/// </summary>
/// <remarks>
/// The conditioner must be autoregressive in some order: (t_i, s_i) may depend only on features before i in that
/// order. Any order works; the bijector never needs to know it.
/// </remarks>
public sealed class InverseAutoregressive : IBijector
{
    private const string Node = "inverse_autoregressive";
    private readonly AutoregressiveLayer layer;

    /// <summary>Creates the layer from an autoregressive conditioner.</summary>
    /// <param name="conditioner">Maps u of shape [..., D] to shift and log-scale, each of shape [..., D].</param>
    public InverseAutoregressive(Func<torch.Tensor, AffineParameters> conditioner)
    {
        ArgumentNullException.ThrowIfNull(conditioner);
        layer = new AutoregressiveLayer(z => AutoregressiveParameters.Affine(conditioner(z), z, Node), AutoregressiveKind.Inverse, Node);
    }

    /// <summary>
    /// Creates the layer from an autoregressive network mapping [..., D] to [..., D, 2]: the shift, then an
    /// unconstrained log-scale passed through <see cref="StableLogScale.FromUnconstrained"/>.
    /// </summary>
    /// <param name="network">The conditioner network (for example a MADE with two outputs per feature).</param>
    public static InverseAutoregressive FromNetwork(torch.nn.Module<torch.Tensor, torch.Tensor> network) =>
        new(AutoregressiveParameters.FromNetwork(network, Node));

    /// <inheritdoc/>
    public int EventRank => 1;

    /// <summary>Sampling direction u ↦ x: one conditioner pass.</summary>
    public Transformed ForwardAndLogDet(torch.Tensor x) => layer.ForwardAndLogDet(x);

    /// <summary>Density direction x ↦ u: D conditioner passes.</summary>
    public Transformed InverseAndLogDet(torch.Tensor y) => layer.InverseAndLogDet(y);

    /// <inheritdoc/>
    public override string ToString() => "InverseAutoregressive";
}
