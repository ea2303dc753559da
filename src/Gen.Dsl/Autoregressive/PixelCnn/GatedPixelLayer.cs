using Gen.Runtime;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// One layer of a gated PixelCNN (van den Oord et al. 2016b, figure 2) with a vertical stack v (features that see only
/// rows above the pixel) and a horizontal stack h (the pixel's row to its left, plus v):
/// <code>
/// v' = vertical(v)                         k×k, open on rows above the centre (first layer) or up to the centre row
/// g  = horizontal(h) + link(v')            1×k, open left of the centre, centre by colour groups; link is a plain 1×1
/// v_out = tanh(v'_a + Vy_a) · σ(v'_b + Vy_b)        halves a, b of the 2p features; Vy the optional class bias
/// h_out = h + out(tanh(g_a + Hy_a) · σ(g_b + Hy_b)) out is a 1×1 type-B p → p; no residual in the first layer
/// </code>
/// </summary>
internal sealed class GatedPixelLayer : torch.nn.Module
{
    private readonly MaskedConv2d vertical;
    private readonly MaskedConv2d horizontal;
    private readonly Conv2d link;
    private readonly MaskedConv2d output;
    private readonly Linear? classVertical;
    private readonly Linear? classHorizontal;
    private readonly bool residual;

    internal GatedPixelLayer(long inChannels, int filters, int kernel, bool first, int colours, int classes) : base("gated_layer")
    {
        var type = first ? MaskType.A : MaskType.B;
        vertical = new MaskedConv2d(inChannels, 2L * filters, kernel, kernel, PixelMasks.Vertical(inChannels, 2L * filters, kernel, withCentreRow: !first));
        horizontal = new MaskedConv2d(inChannels, 2L * filters, 1, kernel, PixelMasks.Horizontal(inChannels, filters, kernel, type, colours));
        link = LayerInitialization.Seeded(torch.nn.Conv2d(2L * filters, 2L * filters, 1));
        output = MaskedConv2d.Create(filters, filters, 1, MaskType.B, colours);
        if (classes > 0)
        {
            classVertical = LayerInitialization.Seeded(torch.nn.Linear(classes, 2L * filters, hasBias: false));
            classHorizontal = LayerInitialization.Seeded(torch.nn.Linear(classes, 2L * filters, hasBias: false));
        }

        residual = !first;
        RegisterComponents();
    }

    /// <summary>The layer on stacks [batch, in, H, W] and optional one-hot classes [batch, classes]; returns the new stacks.</summary>
    internal (torch.Tensor Vertical, torch.Tensor Horizontal) Forward(torch.Tensor v, torch.Tensor h, torch.Tensor? classes)
    {
        using var scope = torch.NewDisposeScope();
        var vPre = vertical.forward(v);
        var hPre = horizontal.forward(h) + Convolutions.Apply(link, vPre);
        if (classes is not null)
        {
            vPre = vPre + classVertical!.forward(classes).unsqueeze(-1).unsqueeze(-1);
            hPre = hPre + classHorizontal!.forward(classes).unsqueeze(-1).unsqueeze(-1);
        }

        var hOut = output.forward(Gate(hPre));
        if (residual)
        {
            hOut = h + hOut;
        }

        return (Gate(vPre).MoveToOuterDisposeScope(), hOut.MoveToOuterDisposeScope());
    }

    /// <summary>The layer frozen for a sampling pass, with its class biases for one-hot <paramref name="classes"/> [batch, classes] (or none).</summary>
    internal GatedPixelLayerSteps Steps(torch.Tensor? classes) => new(
        vertical.Step(),
        horizontal.Step(),
        new PixelConvStep(link.weight!.detach(), link.bias!.detach()),
        output.Step(),
        classes is null ? null : classVertical!.forward(classes),
        classes is null ? null : classHorizontal!.forward(classes),
        residual);

    /// <summary>The gate tanh(a) · σ(b) over the halves a, b of dimension 1.</summary>
    internal static torch.Tensor Gate(torch.Tensor x)
    {
        var halves = x.chunk(2, 1);
        return halves[0].tanh() * halves[1].sigmoid();
    }
}
