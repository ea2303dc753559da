using System;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// A compiled <see cref="PixelCnnSpec"/>: a TorchSharp module whose forward pass is the exact log-likelihood of a batch
/// of images. Layers (state-dict names): <c>input</c>, <c>blocks.{b}.down</c>, <c>blocks.{b}.conv</c>,
/// <c>blocks.{b}.up</c>, <c>output1</c>, <c>output2</c>; each is a <see cref="MaskedConv2d"/> (<c>conv.weight</c>,
/// <c>conv.bias</c>, buffer <c>mask</c>).
/// </summary>
public sealed class PixelCnnModel : torch.nn.Module<torch.Tensor, torch.Tensor>, IDensityModel, IChecksData
{
    private const string Node = "pixel_cnn";
    private readonly MaskedConv2d input;
    private readonly ModuleList<PixelResidualBlock> blocks;
    private readonly MaskedConv2d output1;
    private readonly MaskedConv2d output2;
    private readonly long[] imageShape;

    internal PixelCnnModel(PixelCnnSpec spec) : base("pixel_cnn")
    {
        Spec = spec;
        imageShape = new long[] { spec.Channels, spec.Height, spec.Width };
        int c = spec.Channels;
        input = MaskedConv2d.Create(c, spec.Filters, 7, MaskType.A, c);
        blocks = new ModuleList<PixelResidualBlock>(Enumerable.Range(0, spec.ResidualBlocks).Select(_ => new PixelResidualBlock(spec.Filters, c)).ToArray());
        output1 = MaskedConv2d.Create(spec.Filters, spec.Filters, 1, MaskType.B, c);
        output2 = MaskedConv2d.Create(spec.Filters, (long)c * spec.Head.ParametersPerElement, 1, MaskType.B, c);
        RegisterComponents();
    }

    /// <summary>The spec this model was compiled from.</summary>
    public PixelCnnSpec Spec { get; }

    /// <summary>
    /// The head's parameters for every pixel and channel, shape [batch, C, H, W, K] (K = the head's parameters per
    /// channel: logits for the Bernoulli and categorical heads). Those at pixel (i, j), channel c depend only on pixels
    /// before (i, j) in raster order and on channels before c of pixel (i, j).
    /// </summary>
    /// <param name="x">Images [batch, C, H, W] with values in the head's support, in the model's dtype and on its device.</param>
    /// <exception cref="GenShapeException">The images have another shape.</exception>
    /// <exception cref="ArgumentException">Another dtype or device, or values outside the head's support.</exception>
    public torch.Tensor HeadParameters(torch.Tensor x)
    {
        PixelLikelihood.CheckImages(x, Node, imageShape, Spec.Head, Reference, CheckValues);
        return Network(x);
    }

    /// <inheritdoc/>
    public bool Accepts(torch.Tensor data) => CheckedBatches.Passes(() => PixelLikelihood.CheckImages(data, Node, imageShape, Spec.Head, Reference, checkValues: true));

    /// <summary>log p(x) in nats, exact, for images [batch, C, H, W]; returns [batch].</summary>
    /// <param name="x">Binary 0/1 images for the Bernoulli head, integer values 0 … levels − 1 (as floats) for the categorical head; in the model's dtype and on its device.</param>
    /// <exception cref="GenShapeException">The images have another shape.</exception>
    /// <exception cref="ArgumentException">Another dtype or device, or values outside the head's support.</exception>
    public torch.Tensor LogProb(torch.Tensor x)
    {
        PixelLikelihood.CheckImages(x, Node, imageShape, Spec.Head, Reference, CheckValues);
        using var scope = torch.NewDisposeScope();
        return PixelLikelihood.LogProb(Network(x), x, Spec.Head).MoveToOuterDisposeScope();
    }

    /// <summary>The same as <see cref="LogProb"/>.</summary>
    public override torch.Tensor forward(torch.Tensor x) => LogProb(x);

    /// <summary>
    /// Draws <paramref name="count"/> images [count, C, H, W] by exact ancestral sampling, without gradient: pixel by pixel in
    /// raster order and channel by channel, each drawn from the head given those drawn before. The network runs once,
    /// cut into pixel steps: each layer's output at a pixel is computed when the pixel's turn comes, from the outputs
    /// kept for the pixels before it, so a draw costs about one pass over the image rather than one per pixel.
    /// </summary>
    /// <param name="count">Number of images.</param>
    /// <param name="generator">A seeded generator (<see cref="Seed.Generator"/>), usable for a model on any device; the device's global generator when null.</param>
    public torch.Tensor Sample(long count, torch.Generator? generator = null) =>
        PixelLikelihood.Sample(Pass, count, imageShape, Spec.Head, Reference, generator, Node);

    /// <summary>A sampling pass over <paramref name="count"/> images (call without gradient).</summary>
    internal IPixelPass Pass(long count) =>
        new PixelCnnPass(input.Step(), blocks.Select(b => b.Steps()).ToArray(), output1.Step(), output2.Step(), count, imageShape, Spec.Filters / 2, Reference);

    /// <summary>
    /// Whether <c>LogProb</c> and <c>HeadParameters</c> check that every pixel value lies in the head's support (true
    /// at first). The check reads one flag back from the device, so on a GPU it waits for the work queued before it;
    /// turn it off in training loops over data known to be valid. Shape, dtype and device are always checked.
    /// </summary>
    public bool CheckValues { get; set; } = true;

    private torch.Tensor Reference => parameters().First();

    private torch.Tensor Network(torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var h = input.forward(Spec.Head.NetworkInput(x));
        foreach (var block in blocks)
        {
            h = block.forward(h);
        }

        h = output1.forward(torch.nn.functional.relu(h));
        h = output2.forward(torch.nn.functional.relu(h));
        return PixelLikelihood.HeadParameters(h, imageShape, Spec.Head).MoveToOuterDisposeScope();
    }
}
