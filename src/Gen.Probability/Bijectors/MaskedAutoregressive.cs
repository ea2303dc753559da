using System;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// The affine layer of a masked autoregressive flow (MAF, Papamakarios et al. 2017), mapping base noise u to data x:
/// x_i = u_i·exp(s_i(x_&lt;i)) + t_i(x_&lt;i), where the conditioner (typically a MADE) reads the data side. Density
/// evaluation (the inverse, x ↦ u) costs one conditioner pass; sampling (the forward map) costs D passes.
/// <see cref="InverseAutoregressive"/> is the mirror image.
/// </summary>
/// <remarks>
/// The conditioner must be autoregressive in some order: (t_i, s_i) may depend only on features before i in that
/// order. Any order works; the bijector never needs to know it.
/// </remarks>
public sealed class MaskedAutoregressive : IBijector
{
    private const string Node = "masked_autoregressive";
    private readonly AutoregressiveLayer layer;

    /// <summary>Creates the layer from an autoregressive conditioner.</summary>
    /// <param name="conditioner">Maps x of shape [..., D] to shift and log-scale, each of shape [..., D].</param>
    public MaskedAutoregressive(Func<torch.Tensor, AffineParameters> conditioner)
    {
        ArgumentNullException.ThrowIfNull(conditioner);
        layer = new AutoregressiveLayer(z => AutoregressiveParameters.Affine(conditioner(z), z, Node), AutoregressiveKind.Masked, Node);
    }

    /// <summary>
    /// Creates the layer from an autoregressive network mapping [..., D] to [..., D, 2]: the shift, then an
    /// unconstrained log-scale passed through <see cref="StableLogScale.FromUnconstrained"/>.
    /// </summary>
    /// <param name="network">The conditioner network (for example a MADE with two outputs per feature).</param>
    public static MaskedAutoregressive FromNetwork(torch.nn.Module<torch.Tensor, torch.Tensor> network) =>
        new(AutoregressiveParameters.FromNetwork(network, Node));

    /// <inheritdoc/>
    public int EventRank => 1;

    /// <summary>Sampling direction u ↦ x: D conditioner passes.</summary>
    public Transformed ForwardAndLogDet(torch.Tensor x) => layer.ForwardAndLogDet(x);

    /// <summary>Density direction x ↦ u: one conditioner pass.</summary>
    public Transformed InverseAndLogDet(torch.Tensor y) => layer.InverseAndLogDet(y);

    /// <inheritdoc/>
    public override string ToString() => "MaskedAutoregressive";
}
