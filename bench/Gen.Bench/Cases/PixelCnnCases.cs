using System.Linq;
using Gen.Dsl;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gen.Bench;

/// <summary>
/// PixelCNN on one-channel binary 28x28 images with a Bernoulli head: a 7x7 type-A masked convolution, residual
/// blocks (relu, 1x1 F to F/2, relu, 3x3 type-B, relu, 1x1 F/2 to F, plus the input), then relu, 1x1, relu, 1x1 to
/// one logit per pixel. Trained by maximum likelihood on a fixed batch of random binary images.
/// </summary>
internal static class PixelCnnCases
{
    public static SpeedCase Create(string name, int filters, int blocks, int batch) => new(
        name,
        $"PixelCNN 1x28x28 Bernoulli, {filters} filters, {blocks} residual blocks, batch {batch}",
        batch,
        Flops(filters, blocks, batch),
        (device, seed) => GenStep(filters, blocks, batch, device, seed),
        (device, seed) => HandStep(filters, blocks, batch, device, seed));

    /// <summary>
    /// The 7x7 input convolution (on the data: no input gradient), per block 1x1 F→F/2, 3x3 F/2→F/2 and 1x1 F/2→F,
    /// then 1x1 F→F and 1x1 F→1, all over 28x28 positions.
    /// </summary>
    private static FlopCount Flops(int filters, int blocks, int batch)
    {
        var total = FlopCount.Conv2d(batch, 28, 28, 1, filters, 7, inputGradient: false);
        for (int b = 0; b < blocks; b++)
        {
            total += FlopCount.Conv2d(batch, 28, 28, filters, filters / 2, 1, true)
                + FlopCount.Conv2d(batch, 28, 28, filters / 2, filters / 2, 3, true)
                + FlopCount.Conv2d(batch, 28, 28, filters / 2, filters, 1, true);
        }

        return total + FlopCount.Conv2d(batch, 28, 28, filters, filters, 1, true) + FlopCount.Conv2d(batch, 28, 28, filters, 1, 1, true);
    }

    private static TrainStep GenStep(int filters, int blocks, int batch, torch.Device device, long seed)
    {
        var model = Autoregressive.PixelCnn(1, 28, 28).WithFilters(filters).WithResidualBlocks(blocks).Compile(device, float32, seed);
        var x = Batch(batch, device, seed);
        return TrainStep.WithFusedAdam(model, model.parameters(), () => model.LogProb(x));
    }

    private static TrainStep HandStep(int filters, int blocks, int batch, torch.Device device, long seed)
    {
        manual_seed(seed);
        var model = new HandPixelCnn(filters, blocks);
        model.to(device);
        var x = Batch(batch, device, seed);
        return TrainStep.WithTorchAdam(model, model.parameters(), () => model.forward(x));
    }

    private static Tensor Batch(int batch, torch.Device device, long seed)
    {
        using var g = new Generator((ulong)seed + 2000);
        var x = torch.bernoulli(torch.full(new long[] { batch, 1, 28, 28 }, 0.3f), generator: g).to(device);
        x.DetachFromDisposeScope();
        return x;
    }

    /// <summary>The same network written directly against TorchSharp, masks multiplied in on every pass as in Gen.</summary>
    private sealed class HandPixelCnn : nn.Module<Tensor, Tensor>
    {
        private readonly ModuleList<Conv2d> convs;
        private readonly Tensor maskA7;
        private readonly Tensor maskB3;
        private readonly int blocks;

        public HandPixelCnn(int filters, int blocks) : base("hand_pixelcnn")
        {
            this.blocks = blocks;
            var list = new System.Collections.Generic.List<Conv2d> { nn.Conv2d(1, filters, 7) };
            for (int b = 0; b < blocks; b++)
            {
                list.Add(nn.Conv2d(filters, filters / 2, 1));
                list.Add(nn.Conv2d(filters / 2, filters / 2, 3));
                list.Add(nn.Conv2d(filters / 2, filters, 1));
            }

            list.Add(nn.Conv2d(filters, filters, 1));
            list.Add(nn.Conv2d(filters, 1, 1));
            convs = new ModuleList<Conv2d>(list.ToArray());
            maskA7 = Raster(7, includeCentre: false);
            maskB3 = Raster(3, includeCentre: true);
            register_module("convs", convs);
            register_buffer("maskA7", maskA7);
            register_buffer("maskB3", maskB3);
        }

        private static Tensor Raster(int k, bool includeCentre)
        {
            var m = new float[k * k];
            int c = k / 2;
            for (int r = 0; r < k; r++)
            {
                for (int col = 0; col < k; col++)
                {
                    m[r * k + col] = r < c || (r == c && (col < c || (includeCentre && col == c))) ? 1f : 0f;
                }
            }

            return tensor(m).reshape(1, 1, k, k);
        }

        private Tensor Conv(int i, Tensor x, Tensor? mask, long padding)
        {
            var w = mask is null ? convs[i].weight! : convs[i].weight! * mask;
            // Gen's convolution call: libtorch's NCHW convolutions are wrong on the CPU for channel counts that are
            // not multiples of 8 or 16 (see Convolutions), so an expert's twin must take the same route as Gen.
            return Gen.Runtime.Convolutions.Conv2d(x, w, convs[i].bias, padding: new[] { padding, padding });
        }

        public override Tensor forward(Tensor x)
        {
            var h = Conv(0, x * 2 - 1, maskA7, 3);
            int i = 1;
            for (int b = 0; b < blocks; b++)
            {
                var y = Conv(i++, nn.functional.relu(h), null, 0);
                y = Conv(i++, nn.functional.relu(y), maskB3, 1);
                y = Conv(i++, nn.functional.relu(y), null, 0);
                h = h + y;
            }

            h = Conv(i++, nn.functional.relu(h), null, 0);
            var logits = Conv(i, nn.functional.relu(h), null, 0);
            return -nn.functional.binary_cross_entropy_with_logits(logits, x, reduction: nn.Reduction.None).sum(new long[] { 1, 2, 3 });
        }
    }
}
