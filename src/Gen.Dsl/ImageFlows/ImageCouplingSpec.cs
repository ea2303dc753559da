using System;
using System.Linq;
using Gen.Probability;
using Gen.Probability.Bijectors;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// RealNVP's and Glow's affine coupling over image events (NICE's additive coupling when <paramref name="Additive"/>):
/// the convolutional network maps the kept entries to a shift t and a log-scale s for the others, and
/// y = m⊙x + (1−m)⊙(x·exp(s) + t). For a checkerboard mask the network sees the masked image and the mask as one more
/// channel (C + 1 inputs); for a channel mask, the kept C/2 channels. It gives 2C channels (C for an additive
/// coupling): the shift, then the raw log-scale, which passes through tanh times a learnt per-channel factor (starting
/// at 1). The network's output layer starts at zero, so a fresh coupling is the identity. In a conditional flow
/// (<see cref="ImageFlowSpec.WithContext"/>) the network also reads the context of K features as K more input
/// channels, constant over the image (as class-conditional Glow does).
/// </summary>
/// <param name="Mask">Which entries are kept.</param>
/// <param name="Net">The conditioner network.</param>
/// <param name="Additive">True for a volume-preserving additive coupling (no scale).</param>
public sealed record ImageCouplingSpec(ImageMaskSpec Mask, ConvResNetSpec Net, bool Additive) : BijSpec
{
    /// <inheritdoc/>
    public override string ToString() => $"{(Additive ? "AdditiveCoupling" : "AffineCoupling")}(mask: {Mask}, net: {Net})";

    /// <inheritdoc/>
    public override void Check(string path, StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var input = shape.Image(path);
        if (Mask is null || Net is null)
        {
            throw new GenShapeException(path, "an image coupling needs a mask and a network.");
        }

        Mask.Check($"{path}.mask", input);
        Net.Check($"{path}.net");
    }

    /// <inheritdoc/>
    public override BijectorModule Compile(StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return new Module(this, shape.Image("image_coupling"), shape.ContextFeatures);
    }

    private sealed class Module : BijectorModule
    {
        private readonly ImageShape shape;
        private readonly bool additive;
        private readonly bool checkerboard;
        private readonly long keptStart;
        private readonly long keptCount;
        private readonly long contextFeatures;

        // Field names are the state-dict names, so that .to(device) rebinds them.
        private readonly torch.Tensor mask;
        private readonly torch.nn.Module<torch.Tensor, torch.Tensor> net;
        private readonly Parameter? scale;

        private readonly BuiltPerBuffer built = new();

        public Module(ImageCouplingSpec spec, ImageShape shape, long contextFeatures) : base("image_coupling")
        {
            this.shape = shape;
            this.contextFeatures = contextFeatures;
            additive = spec.Additive;
            checkerboard = spec.Mask.Kind == ImageMaskKind.Checkerboard;
            (keptStart, keptCount) = spec.Mask.KeptChannels(shape);
            mask = spec.Mask.Build(shape);
            long inputs = (checkerboard ? shape.Channels + 1 : keptCount) + contextFeatures;
            net = spec.Net.Build(inputs, additive ? shape.Channels : 2 * shape.Channels);
            scale = additive ? null : torch.nn.Parameter(torch.ones(shape.Channels, 1, 1));
            RegisterComponents();
        }

        // A context is a new value on every pass, so its coupling is built for it (the objects are cheap; the mask is shared).
        public override IBijector Build(torch.Tensor? context) =>
            context is null || contextFeatures == 0
                ? built.For(mask, () => new AffineCoupling(mask, kept => Conditioner(kept, null)))
                : new AffineCoupling(mask, kept => Conditioner(kept, context));

        private AffineParameters Conditioner(torch.Tensor kept, torch.Tensor? context)
        {
            // The convolutions take [N, C, H, W]: any batch dimensions are flattened into one and restored after.
            var full = kept.shape;
            var images = kept.reshape(-1, shape.Channels, shape.Height, shape.Width);
            long n = images.shape[0];
            var input = checkerboard
                ? torch.cat(new[] { images, mask.narrow(0, 0, 1).expand(n, 1, shape.Height, shape.Width) }, 1)
                : images.narrow(1, keptStart, keptCount);
            if (context is not null && contextFeatures > 0)
            {
                input = torch.cat(new[] { input, ContextChannels(context, full[..^3], n) }, 1);
            }

            var h = net.forward(input);
            if (additive)
            {
                var t = h.reshape(full);
                return new AffineParameters(t, torch.zeros_like(t));
            }

            var parts = h.chunk(2, 1);
            return new AffineParameters(parts[0].reshape(full), (scale! * torch.tanh(parts[1])).reshape(full));
        }

        // The context B' ++ [K] (B' broadcasting with the batch dimensions B of the images) as K constant channels of
        // each of the n = prod(B) images: [n, K, H, W].
        private torch.Tensor ContextChannels(torch.Tensor context, long[] batch, long n)
        {
            var rows = context.expand(batch.Append(contextFeatures).ToArray()).reshape(n, contextFeatures, 1, 1);
            return rows.expand(n, contextFeatures, shape.Height, shape.Width);
        }
    }

    /// <inheritdoc/>
    public override void Measure(SpecBudget budget, string path, StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(shape);
        var input = shape.Image(path);
        long contextFeatures = shape.ContextFeatures;
        long inputs = (Mask.Kind == ImageMaskKind.Checkerboard ? input.Channels + 1 : Mask.KeptChannels(input).Count) + contextFeatures;
        Net.Measure(budget, $"{path}.net", inputs, Additive ? input.Channels : 2 * input.Channels);
        budget.Add(path, Additive ? 0 : input.Channels);
        budget.Buffer($"{path}.mask", (Int128)input.Channels * input.Height * input.Width);
    }
}
