using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// The PixelCNN residual block (van den Oord et al. 2016, figure 5): <c>x + up(relu(conv(relu(down(relu(x))))))</c>
/// with down a 1×1 type-B convolution 2h → h, conv a 3×3 type-B convolution h → h and up a 1×1 type-B convolution h → 2h.
/// </summary>
internal sealed class PixelResidualBlock : torch.nn.Module<torch.Tensor, torch.Tensor>
{
    private readonly MaskedConv2d down;
    private readonly MaskedConv2d conv;
    private readonly MaskedConv2d up;

    internal PixelResidualBlock(int filters, int colours) : base("residual_block")
    {
        down = MaskedConv2d.Create(filters, filters / 2, 1, MaskType.B, colours);
        conv = MaskedConv2d.Create(filters / 2, filters / 2, 3, MaskType.B, colours);
        up = MaskedConv2d.Create(filters / 2, filters, 1, MaskType.B, colours);
        RegisterComponents();
    }

    /// <summary>The block's three convolutions, frozen for a sampling pass.</summary>
    internal (PixelConvStep Down, PixelConvStep Conv, PixelConvStep Up) Steps() => (down.Step(), conv.Step(), up.Step());

    public override torch.Tensor forward(torch.Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var y = down.forward(torch.nn.functional.relu(input));
        y = conv.forward(torch.nn.functional.relu(y));
        y = up.forward(torch.nn.functional.relu(y));
        return (input + y).MoveToOuterDisposeScope();
    }
}
