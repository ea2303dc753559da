using System;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// A compiled <see cref="GatedPixelCnnSpec"/>: a TorchSharp module whose forward pass is the exact log-likelihood of a
/// batch of images (of an unconditional model; a class-conditional one takes its labels through <see cref="LogProb"/>).
/// Layers (state-dict names): <c>layers.{l}.vertical</c>, <c>layers.{l}.horizontal</c>, <c>layers.{l}.output</c>
/// (each a <see cref="MaskedConv2d"/>), <c>layers.{l}.link</c> (a plain 1×1 convolution), <c>layers.{l}.classVertical</c>
/// and <c>layers.{l}.classHorizontal</c> (conditional models only), <c>output1</c>, <c>output2</c>.
/// </summary>
public sealed class GatedPixelCnnModel : torch.nn.Module<torch.Tensor, torch.Tensor>, IChecksData
{
    private const string Node = "gated_pixel_cnn";
    private readonly ModuleList<GatedPixelLayer> layers;
    private readonly MaskedConv2d output1;
    private readonly MaskedConv2d output2;
    private readonly long[] imageShape;

    internal GatedPixelCnnModel(GatedPixelCnnSpec spec) : base("gated_pixel_cnn")
    {
        Spec = spec;
        imageShape = new long[] { spec.Channels, spec.Height, spec.Width };
        int c = spec.Channels;
        layers = new ModuleList<GatedPixelLayer>(Enumerable.Range(0, spec.Layers)
            .Select(l => new GatedPixelLayer(l == 0 ? c : spec.Filters, spec.Filters, l == 0 ? 7 : 3, l == 0, c, spec.Classes))
            .ToArray());
        output1 = MaskedConv2d.Create(spec.Filters, spec.Filters, 1, MaskType.B, c);
        output2 = MaskedConv2d.Create(spec.Filters, (long)c * spec.Head.ParametersPerElement, 1, MaskType.B, c);
        RegisterComponents();
    }

    /// <summary>The spec this model was compiled from.</summary>
    public GatedPixelCnnSpec Spec { get; }

    /// <summary>
    /// The head's parameters for every pixel and channel, shape [batch, C, H, W, K]. Those at pixel (i, j), channel c depend
    /// only on pixels before (i, j) in raster order, on channels before c of pixel (i, j), and on the label.
    /// </summary>
    /// <param name="x">Images [batch, C, H, W] with values in the head's support, in the model's dtype and on its device.</param>
    /// <param name="labels">Class labels, int64 [batch] in 0 … Classes − 1, for a conditional model; null for an unconditional one.</param>
    /// <exception cref="GenShapeException">The images or labels have another shape.</exception>
    /// <exception cref="ArgumentException">Another dtype or device, values outside the support, or labels missing or out of range.</exception>
    public torch.Tensor HeadParameters(torch.Tensor x, torch.Tensor? labels = null)
    {
        PixelLikelihood.CheckImages(x, Node, imageShape, Spec.Head, Reference, CheckValues);
        return Network(x, OneHot(labels, x.shape[0]));
    }

    /// <inheritdoc/>
    public bool Accepts(torch.Tensor data) => CheckedBatches.Passes(() => PixelLikelihood.CheckImages(data, Node, imageShape, Spec.Head, Reference, checkValues: true));

    /// <summary>log p(x | label) in nats, exact, for images [batch, C, H, W]; returns [batch].</summary>
    /// <param name="x">Binary 0/1 images for the Bernoulli head, integer values 0 … levels − 1 (as floats) for the categorical head; in the model's dtype and on its device.</param>
    /// <param name="labels">Class labels, int64 [batch] in 0 … Classes − 1, for a conditional model; null for an unconditional one.</param>
    /// <exception cref="GenShapeException">The images or labels have another shape.</exception>
    /// <exception cref="ArgumentException">Another dtype or device, values outside the support, or labels missing or out of range.</exception>
    public torch.Tensor LogProb(torch.Tensor x, torch.Tensor? labels = null)
    {
        PixelLikelihood.CheckImages(x, Node, imageShape, Spec.Head, Reference, CheckValues);
        using var scope = torch.NewDisposeScope();
        var parameters = Network(x, OneHot(labels, x.shape[0]));
        return PixelLikelihood.LogProb(parameters, x, Spec.Head).MoveToOuterDisposeScope();
    }

    /// <summary>The same as <see cref="LogProb"/> without labels (so for unconditional models only).</summary>
    public override torch.Tensor forward(torch.Tensor x) => LogProb(x);

    /// <summary>
    /// Draws <paramref name="count"/> images [count, C, H, W] from an unconditional model by exact ancestral sampling, without
    /// gradient: pixel by pixel in raster order and channel by channel: one pass of the network over the
    /// whole batch, cut into pixel steps: each layer's output at a pixel is computed once, from the outputs kept for the
    /// pixels before it (the vertical stack a row at a time), so a draw costs about one pass over the image.
    /// </summary>
    /// <param name="count">Number of images.</param>
    /// <param name="generator">A seeded generator (<see cref="Seed.Generator"/>), usable for a model on any device; the device's global generator when null.</param>
    /// <exception cref="ArgumentException">The model is class-conditional (use <see cref="SampleGiven"/>).</exception>
    public torch.Tensor Sample(long count, torch.Generator? generator = null)
    {
        var condition = OneHot(null, count);
        return PixelLikelihood.Sample(n => Pass(n, condition), count, imageShape, Spec.Head, Reference, generator, Node);
    }

    /// <summary>
    /// Draws one image per label, [batch, C, H, W], from a class-conditional model by exact ancestral sampling (one pass of the
    /// network cut into pixel steps, as <see cref="Sample"/>), without gradient.
    /// </summary>
    /// <param name="labels">Class labels, int64 [batch] in 0 … Classes − 1, on the model's device.</param>
    /// <param name="generator">A seeded generator (<see cref="Seed.Generator"/>), usable for a model on any device; the device's global generator when null.</param>
    /// <exception cref="ArgumentException">The model is unconditional, or the labels are not valid.</exception>
    public torch.Tensor SampleGiven(torch.Tensor labels, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.dim() != 1)
        {
            throw new GenShapeException($"{Node}.labels", $"expects labels of shape [batch], got a tensor of shape {Shape.Format(labels.shape)}.");
        }

        using var scope = torch.NewDisposeScope();
        var count = labels.shape[0];
        var condition = OneHot(labels, count);
        return PixelLikelihood.Sample(n => Pass(n, condition), count, imageShape, Spec.Head, Reference, generator, Node).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Whether <c>LogProb</c> and <c>HeadParameters</c> check that every pixel value lies in the head's support (true
    /// at first). The check reads one flag back from the device, so on a GPU it waits for the work queued before it;
    /// turn it off in training loops over data known to be valid. Shape, dtype and device are always checked.
    /// </summary>
    public bool CheckValues { get; set; } = true;

    private torch.Tensor Reference => parameters().First();

    /// <summary>A sampling pass over <paramref name="count"/> images with one-hot classes (or none; call without gradient).</summary>
    internal IPixelPass Pass(long count, torch.Tensor? classes) =>
        new GatedPixelCnnPass(layers.Select(l => l.Steps(classes)).ToArray(), output1.Step(), output2.Step(), count, imageShape, Spec.Filters, Reference);

    /// <summary>Checks labels against the model and the batch, and makes them one-hot in the model's dtype; null for an unconditional model.</summary>
    private torch.Tensor? OneHot(torch.Tensor? labels, long batch)
    {
        if (Spec.Classes == 0)
        {
            if (labels is not null)
            {
                throw new ArgumentException($"{Node}: the model is unconditional (0 classes), but labels were given.", nameof(labels));
            }

            return null;
        }

        if (labels is null)
        {
            throw new ArgumentException($"{Node}: the model is conditioned on {Spec.Classes} classes, so it needs labels (LogProb(x, labels), SampleGiven(labels)).", nameof(labels));
        }

        if (labels.dim() != 1 || labels.shape[0] != batch)
        {
            throw new GenShapeException($"{Node}.labels", $"expects labels of shape [{batch}] (one per image), got a tensor of shape {Shape.Format(labels.shape)}.");
        }

        if (labels.dtype != torch.int64)
        {
            throw new ArgumentException($"{Node}: labels must be int64 class indices, got {labels.dtype}.", nameof(labels));
        }

        PixelLikelihood.CheckDevice(labels.device, Node, Reference, "labels");
        using var scope = torch.NewDisposeScope();
        if (!labels.ge(0).logical_and(labels.lt(Spec.Classes)).all().item<bool>())
        {
            throw new ArgumentException($"{Node}: labels must lie in 0 … {Spec.Classes - 1}; got values from {labels.min().ToInt64()} to {labels.max().ToInt64()}.", nameof(labels));
        }

        return torch.nn.functional.one_hot(labels, Spec.Classes).to_type(Reference.dtype).MoveToOuterDisposeScope();
    }

    private torch.Tensor Network(torch.Tensor x, torch.Tensor? classes)
    {
        using var scope = torch.NewDisposeScope();
        var v = Spec.Head.NetworkInput(x);
        var h = v;
        foreach (var layer in layers)
        {
            (v, h) = layer.Forward(v, h, classes);
        }

        h = output1.forward(torch.nn.functional.relu(h));
        h = output2.forward(torch.nn.functional.relu(h));
        return PixelLikelihood.HeadParameters(h, imageShape, Spec.Head).MoveToOuterDisposeScope();
    }
}
