using System;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A PixelCNN (van den Oord et al. 2016, "Pixel Recurrent Neural Networks"): an exact autoregressive model of images
/// that factorises p(x) over pixels in raster order and, within a pixel, over colour channels R, G, B. Built with
/// <see cref="Autoregressive.PixelCnn"/>. With <c>C</c> = <see cref="Channels"/>, <c>F</c> = <see cref="Filters"/> (2h in
/// the paper) and <c>K</c> = the head's parameters per channel, the compiled network is, in order:
/// <list type="number">
/// <item><description><c>input</c>: 7×7 masked convolution, type A, C → F, padding 3 (the network sees the head's scaled pixels).</description></item>
/// <item><description><c>blocks[b]</c>, <see cref="ResidualBlocks"/> times: <c>x + up(relu(conv(relu(down(relu(x))))))</c> with
/// <c>down</c> 1×1 type B F → F/2, <c>conv</c> 3×3 type B F/2 → F/2 (padding 1), <c>up</c> 1×1 type B F/2 → F.</description></item>
/// <item><description><c>output1</c>: relu, then 1×1 masked convolution, type B, F → F.</description></item>
/// <item><description><c>output2</c>: relu, then 1×1 masked convolution, type B, F → C·K, read as [C, K] per pixel.</description></item>
/// </list>
/// Every convolution has a bias, stride 1, and TorchSharp's default <c>Conv2d</c> initialisation (as PyTorch's); its weight
/// is multiplied by its 0/1 mask on every forward pass. Masks (see <see cref="MaskedConv2d.Create"/>): taps above the
/// centre row and left of the centre are open; at the centre, feature <c>k</c> of a layer with <c>n</c> features is in
/// colour group <c>floor(k·C / n)</c> and an output of group <c>c</c> sees inputs of groups <c>&lt; c</c> (A) or <c>&lt;= c</c> (B).
/// With one channel the 1×1 masks are all ones. Stacked 3×3 masks leave the known blind spot above and to the right
/// of each pixel; <see cref="Autoregressive.GatedPixelCnn"/> has none.
/// </summary>
public sealed record PixelCnnSpec : IModelSpec<PixelCnnModel>, ISizedSpec
{
    internal PixelCnnSpec(int channels, int height, int width, int filters, int residualBlocks, HeadSpec head)
    {
        Channels = channels;
        Height = height;
        Width = width;
        Filters = filters;
        ResidualBlocks = residualBlocks;
        Head = head;
        Check();
    }

    /// <summary>Colour channels per image.</summary>
    public int Channels { get; private init; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; private init; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; private init; }

    /// <summary>Features between layers (2h in the paper); the residual blocks narrow to half of it.</summary>
    public int Filters { get; private init; }

    /// <summary>Residual blocks after the 7×7 input convolution.</summary>
    public int ResidualBlocks { get; private init; }

    /// <summary>The distribution of each colour channel of each pixel given those before it.</summary>
    public HeadSpec Head { get; private init; }

    /// <summary>The same model with <paramref name="filters"/> features between layers (an even number, at least 2 per colour channel).</summary>
    /// <exception cref="GenShapeException">The filter count does not fit.</exception>
    public PixelCnnSpec WithFilters(int filters) => Checked(this with { Filters = filters });

    /// <summary>The same model with <paramref name="blocks"/> residual blocks (0 or more).</summary>
    /// <exception cref="GenShapeException">The count is negative.</exception>
    public PixelCnnSpec WithResidualBlocks(int blocks) => Checked(this with { ResidualBlocks = blocks });

    /// <summary>The same model with another pixel distribution.</summary>
    public PixelCnnSpec WithHead(HeadSpec head)
    {
        ArgumentNullException.ThrowIfNull(head);
        return this with { Head = head };
    }

    /// <summary>
    /// Compiles the spec to a new, independent TorchSharp module on <paramref name="device"/>. With a
    /// <paramref name="seed"/>, the initial weights are the same on every compile (even while other threads compile or draw through Gen; see <see cref="Seed.Building{T}"/>).
    /// </summary>
    /// <param name="device">Where the parameters live.</param>
    /// <param name="dtype">Parameter type; float32 when null.</param>
    /// <param name="seed">Seed for the initial weights.</param>
    public PixelCnnModel Compile(torch.Device device, torch.ScalarType? dtype = null, long? seed = null) =>
        PixelSpecChecks.Compile(() => new PixelCnnModel(this), device, dtype, seed);

    /// <inheritdoc/>
    public override string ToString() =>
        $"PixelCnn({Channels}×{Height}×{Width}; 7×7 mask A, {ResidualBlocks} residual blocks, {Filters} filters; {Head} head)";

    private static PixelCnnSpec Checked(PixelCnnSpec spec)
    {
        spec.Check();
        return spec;
    }

    private void Check()
    {
        PixelSpecChecks.Image("pixel_cnn", Channels, Height, Width, Head);
        if (Filters % 2 != 0 || Filters / 2 < Channels)
        {
            throw new GenShapeException(
                "pixel_cnn.filters",
                $"the filter count must be even and its half at least the {Channels} colour channel(s), so every colour group keeps a feature in the residual blocks; got {Filters}.");
        }

        if (ResidualBlocks < 0)
        {
            throw new GenShapeException("pixel_cnn.residual_blocks", $"the number of residual blocks must be 0 or more, got {ResidualBlocks}.");
        }
    }

    /// <inheritdoc/>
    void ISizedSpec.Measure(SpecBudget budget)
    {
        const string Path = "pixel_cnn";
        budget.Features(Path, (Int128)Channels * Height * Width);
        budget.Width($"{Path}.filters", Filters);
        Int128 outputs = (Int128)Channels * Head.ParametersPerElement;
        budget.Width($"{Path}.head", outputs);
        // Every convolution is masked: its mask is a buffer the size of its weight.
        budget.MaskedConv($"{Path}.input", Channels, Filters, 7, 7);
        for (int i = 0; i < ResidualBlocks; i++)
        {
            var block = $"{Path}.blocks[{i}]";
            budget.MaskedConv(block, Filters, Filters / 2, 1, 1);
            budget.MaskedConv(block, Filters / 2, Filters / 2, 3, 3);
            budget.MaskedConv(block, Filters / 2, Filters, 1, 1);
        }

        budget.MaskedConv($"{Path}.output", Filters, Filters, 1, 1);
        budget.MaskedConv($"{Path}.output", Filters, outputs, 1, 1);
    }
}
