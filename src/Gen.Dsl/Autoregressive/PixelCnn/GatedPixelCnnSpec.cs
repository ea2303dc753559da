using System;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A gated PixelCNN (van den Oord et al. 2016b, "Conditional Image Generation with PixelCNN Decoders"): an exact
/// autoregressive image model, like <see cref="PixelCnnSpec"/>, whose vertical and horizontal stacks leave no blind
/// spot, with gated activations and an optional class label. Built with <see cref="Autoregressive.GatedPixelCnn"/>.
/// With <c>C</c> = <see cref="Channels"/>, <c>p</c> = <see cref="Filters"/>, <c>K</c> = the head's parameters per
/// channel and <c>y</c> the one-hot label, the compiled network is, in order:
/// <list type="number">
/// <item><description><c>layers[0]</c>: a gated layer (see below) with 7×7 vertical and 1×7 horizontal kernels, type A, C → p, both
/// stacks fed the head's scaled pixels, no residual.</description></item>
/// <item><description><c>layers[l]</c>, l = 1 … <see cref="Layers"/> − 1: gated layers with 3×3 vertical and 1×3 horizontal kernels,
/// type B, p → p, with the horizontal residual.</description></item>
/// <item><description><c>output1</c>: relu, then 1×1 masked convolution, type B, p → p, on the horizontal stack.</description></item>
/// <item><description><c>output2</c>: relu, then 1×1 masked convolution, type B, p → C·K, read as [C, K] per pixel.</description></item>
/// </list>
/// A gated layer maps stacks (v, h) to
/// <c>v' = vertical(v)</c>, <c>g = horizontal(h) + link(v')</c>,
/// <c>v_out = tanh(v'_a + V_a y) · σ(v'_b + V_b y)</c> and
/// <c>h_out = h + out(tanh(g_a + H_a y) · σ(g_b + H_b y))</c>, where <c>_a</c> and <c>_b</c> are the first and second
/// p of 2p features, <c>vertical</c> is a k×k convolution C|p → 2p (padding k/2) open on the rows above the centre in the
/// first layer and on the centre row too later (so v only ever sees rows above the pixel), <c>horizontal</c> a 1×k
/// convolution C|p → 2p (padding 0, k/2) open left of the centre with the centre tap by colour groups (output o in the
/// group of o mod p), <c>link</c> a plain 1×1 convolution 2p → 2p, <c>out</c> a 1×1 type-B convolution p → p, and
/// <c>V</c>, <c>H</c> bias-free linear maps from the <see cref="Classes"/> labels to 2p (present only when Classes &gt; 0).
/// Every convolution has a bias, stride 1 and TorchSharp's default initialisation (as PyTorch's), as do the linear maps;
/// masks are as in <see cref="MaskedConv2d.Create"/>. After L layers the output at (i, j) sees every pixel of rows
/// i − L − 2 … i − 1 within L + 2 columns either side and the L + 2 pixels to its left.
/// </summary>
public sealed record GatedPixelCnnSpec : IModelSpec<GatedPixelCnnModel>, ISizedSpec
{
    internal GatedPixelCnnSpec(int channels, int height, int width, int filters, int layers, int classes, HeadSpec head)
    {
        Channels = channels;
        Height = height;
        Width = width;
        Filters = filters;
        Layers = layers;
        Classes = classes;
        Head = head;
        Check();
    }

    /// <summary>Colour channels per image.</summary>
    public int Channels { get; private init; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; private init; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; private init; }

    /// <summary>Features per stack between layers (p); each gate computes 2p.</summary>
    public int Filters { get; private init; }

    /// <summary>Gated layers: the 7×7 first layer and <c>Layers − 1</c> 3×3 layers.</summary>
    public int Layers { get; private init; }

    /// <summary>Number of class labels the model is conditioned on; 0 for an unconditional model.</summary>
    public int Classes { get; private init; }

    /// <summary>The distribution of each colour channel of each pixel given those before it.</summary>
    public HeadSpec Head { get; private init; }

    /// <summary>The same model with <paramref name="filters"/> features per stack (at least one per colour channel).</summary>
    /// <exception cref="GenShapeException">The filter count does not fit.</exception>
    public GatedPixelCnnSpec WithFilters(int filters) => Checked(this with { Filters = filters });

    /// <summary>The same model with <paramref name="layers"/> gated layers (1 or more).</summary>
    /// <exception cref="GenShapeException">The count is below 1.</exception>
    public GatedPixelCnnSpec WithLayers(int layers) => Checked(this with { Layers = layers });

    /// <summary>The same model conditioned on a label with <paramref name="classes"/> values (0 for none).</summary>
    /// <exception cref="GenShapeException">The count is negative.</exception>
    public GatedPixelCnnSpec WithClasses(int classes) => Checked(this with { Classes = classes });

    /// <summary>The same model with another pixel distribution.</summary>
    public GatedPixelCnnSpec WithHead(HeadSpec head)
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
    public GatedPixelCnnModel Compile(torch.Device device, torch.ScalarType? dtype = null, long? seed = null) =>
        PixelSpecChecks.Compile(() => new GatedPixelCnnModel(this), device, dtype, seed);

    /// <inheritdoc/>
    public override string ToString() =>
        $"GatedPixelCnn({Channels}×{Height}×{Width}; {Layers} gated layers, {Filters} filters{(Classes > 0 ? $", {Classes} classes" : string.Empty)}; {Head} head)";

    private static GatedPixelCnnSpec Checked(GatedPixelCnnSpec spec)
    {
        spec.Check();
        return spec;
    }

    private void Check()
    {
        PixelSpecChecks.Image("gated_pixel_cnn", Channels, Height, Width, Head);
        if (Filters < Channels)
        {
            throw new GenShapeException(
                "gated_pixel_cnn.filters",
                $"the filter count must be at least the {Channels} colour channel(s), so every colour group keeps a feature; got {Filters}.");
        }

        if (Layers < 1)
        {
            throw new GenShapeException("gated_pixel_cnn.layers", $"the number of gated layers must be 1 or more, got {Layers}.");
        }

        if (Classes < 0)
        {
            throw new GenShapeException("gated_pixel_cnn.classes", $"the number of classes must be 0 (unconditional) or more, got {Classes}.");
        }
    }

    /// <inheritdoc/>
    void ISizedSpec.Measure(SpecBudget budget)
    {
        const string Path = "gated_pixel_cnn";
        budget.Features(Path, (Int128)Channels * Height * Width);
        budget.Width($"{Path}.filters", Filters);
        budget.Width($"{Path}.classes", Classes);
        Int128 outputs = (Int128)Channels * Head.ParametersPerElement;
        budget.Width($"{Path}.head", outputs);
        Int128 gates = 2 * (Int128)Filters;
        for (int l = 0; l < Layers; l++)
        {
            // The vertical (k x k) and horizontal (1 x k) stacks, the link between them, the output 1 x 1, and the class inputs.
            var layer = $"{Path}.layers[{l}]";
            long inputs = l == 0 ? Channels : Filters;
            int kernel = l == 0 ? 7 : 3;
            budget.MaskedConv(layer, inputs, gates, kernel, kernel);
            budget.MaskedConv(layer, inputs, gates, 1, kernel);
            budget.Conv(layer, gates, gates, 1, 1);
            budget.MaskedConv(layer, Filters, Filters, 1, 1);
            if (Classes > 0)
            {
                budget.Linear(layer, Classes, gates, bias: false);
                budget.Linear(layer, Classes, gates, bias: false);
            }
        }

        budget.MaskedConv($"{Path}.output", Filters, Filters, 1, 1);
        budget.MaskedConv($"{Path}.output", Filters, outputs, 1, 1);
    }
}
