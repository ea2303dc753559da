using System;
using FsCheck;
using FsCheck.Xunit;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.PixelCnn;

/// <summary>
/// The sampling pass (each layer's output at a pixel computed once, from what was kept for the pixels before it)
/// against the whole network: the same head parameters at every pixel and channel when fed the same image, and the
/// same draws as plain ancestral sampling (the network over the whole image for every pixel) under one seed.
/// </summary>
public class PixelPassTests
{
    private static HeadSpec HeadOf(int kind) => (kind % 4) switch
    {
        0 => PixelHead.Bernoulli(),
        1 => PixelHead.Categorical(4),
        2 => PixelHead.Gaussian(),
        _ => PixelHead.DiscretizedLogisticMixture(2, 5),
    };

    [Property(MaxTest = 20)]
    public void A_PixelCnn_pass_fed_an_image_gives_the_networks_head_parameters_at_every_pixel(
        int seed, PositiveInt channels, PositiveInt height, PositiveInt width, PositiveInt blocks, PositiveInt extra, PositiveInt head)
    {
        int c = 1 + (channels.Get % 3), h = 1 + (height.Get % 7), w = 1 + (width.Get % 7);
        var spec = Autoregressive.PixelCnn(c, h, w).WithFilters(2 * (c + (extra.Get % 4))).WithResidualBlocks(blocks.Get % 3).WithHead(HeadOf(head.Get));
        using var model = spec.Compile(Device.Cpu, torch.float64, seed);
        var x = PixelDependence.Images(5, c, h, w, spec.Head, seed);
        AssertPassMatches(model.HeadParameters(x), model.Pass, x, spec.Head, 1e-12);
    }

    [Property(MaxTest = 20)]
    public void A_gated_PixelCnn_pass_fed_an_image_gives_the_networks_head_parameters_at_every_pixel(
        int seed, PositiveInt channels, PositiveInt height, PositiveInt width, PositiveInt layers, PositiveInt extra, PositiveInt head, bool conditional)
    {
        int c = 1 + (channels.Get % 3), h = 1 + (height.Get % 7), w = 1 + (width.Get % 7), classes = conditional ? 3 : 0;
        var spec = Autoregressive.GatedPixelCnn(c, h, w).WithFilters(c + (extra.Get % 4)).WithLayers(1 + (layers.Get % 3)).WithClasses(classes).WithHead(HeadOf(head.Get));
        using var model = spec.Compile(Device.Cpu, torch.float64, seed);
        var x = PixelDependence.Images(5, c, h, w, spec.Head, seed);
        var labels = conditional ? torch.tensor(new long[] { 0, 2, 1, 1, 0 }) : null;
        var oneHot = conditional ? torch.nn.functional.one_hot(labels!, classes).to_type(torch.float64) : null;
        AssertPassMatches(model.HeadParameters(x, labels), n => model.Pass(n, oneHot), x, spec.Head, 1e-12);
    }

    [Fact]
    public void In_float32_the_pass_gives_every_conditional_probability_of_a_28x28_model_within_1e_5()
    {
        var spec = Autoregressive.PixelCnn(1, 28, 28).WithFilters(32).WithResidualBlocks(2);
        using var model = spec.Compile(Device.Cpu, torch.float32, seed: 5);
        var x = PixelDependence.Images(8, 1, 28, 28, spec.Head, 6).to_type(torch.float32);
        AssertPassMatches(model.HeadParameters(x).sigmoid(), n => new Probabilities(model.Pass(n)), x, spec.Head, 1e-5);

        var gated = Autoregressive.GatedPixelCnn(1, 28, 28).WithFilters(16).WithLayers(4);
        using var gatedModel = gated.Compile(Device.Cpu, torch.float32, seed: 5);
        AssertPassMatches(gatedModel.HeadParameters(x).sigmoid(), n => new Probabilities(gatedModel.Pass(n, null)), x, spec.Head, 1e-5);
    }

    [Fact]
    public void Sampling_draws_what_plain_ancestral_sampling_draws_under_the_same_seed()
    {
        var plain = Autoregressive.PixelCnn(3, 6, 7).WithFilters(12).WithResidualBlocks(2).WithHead(PixelHead.Categorical(4));
        using var plainModel = plain.Compile(Device.Cpu, torch.float32, seed: 1);
        AssertSameDraws(x => plainModel.HeadParameters(x), n => plainModel.Sample(n, Gen.Seed.Generator(9)), plain.Head, new long[] { 3, 6, 7 });

        var gated = Autoregressive.GatedPixelCnn(1, 9, 8).WithFilters(8).WithLayers(3).WithClasses(4);
        using var gatedModel = gated.Compile(Device.Cpu, torch.float32, seed: 2);
        var labels = torch.arange(64, dtype: torch.int64) % 4;
        AssertSameDraws(x => gatedModel.HeadParameters(x, labels), _ => gatedModel.SampleGiven(labels, Gen.Seed.Generator(9)), gated.Head, new long[] { 1, 9, 8 });
    }

    // Feeds x through a pass pixel by pixel and channel by channel, comparing each step's output with the network's.
    private static void AssertPassMatches(torch.Tensor expected, Func<long, IPixelPass> begin, torch.Tensor x, HeadSpec head, double tolerance)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        int k = head.ParametersPerElement;
        var pass = begin(n);
        var input = head.NetworkInput(x);
        for (long i = 0; i < h; i++)
        {
            pass.BeginRow(i);
            for (long j = 0; j < w; j++)
            {
                for (long ch = 0; ch < c; ch++)
                {
                    var got = pass.HeadParameters(i, j).view(n, c, k).select(1, ch);
                    var want = expected.select(3, j).select(2, i).select(1, ch);
                    double error = (got - want).abs().max().ToDouble();
                    Assert.True(error <= tolerance, $"pixel ({i}, {j}), channel {ch}: the pass is {error:g3} away from the network (tolerance {tolerance:g})");
                    pass.Write(i, j, ch, input.select(3, j).select(2, i).select(1, ch));
                }
            }
        }
    }

    // Plain ancestral sampling written against the public API, the way the model sampled before it had a pass.
    private static void AssertSameDraws(Func<torch.Tensor, torch.Tensor> headParameters, Func<long, torch.Tensor> sample, HeadSpec head, long[] shape)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        const long count = 64;
        var generator = Gen.Seed.Generator(9);
        var images = torch.zeros(new[] { count, shape[0], shape[1], shape[2] });
        for (long i = 0; i < shape[1]; i++)
        {
            for (long j = 0; j < shape[2]; j++)
            {
                for (long c = 0; c < shape[0]; c++)
                {
                    var parameters = headParameters(images).select(3, j).select(2, i).select(1, c);
                    images.select(3, j).select(2, i).select(1, c).copy_(head.Distribution(parameters).Sample(Array.Empty<long>(), generator).to_type(torch.float32));
                }
            }
        }

        var drawn = sample(count);
        long differ = drawn.ne(images).sum().ToInt64();
        Assert.Equal(0, differ);
        Assert.True(images.std().ToDouble() > 0.1, "the draws vary");
    }

    // A pass whose outputs are Bernoulli probabilities instead of logits.
    private sealed class Probabilities(IPixelPass pass) : IPixelPass
    {
        public void BeginRow(long row) => pass.BeginRow(row);

        public torch.Tensor HeadParameters(long row, long column) => pass.HeadParameters(row, column).sigmoid();

        public void Write(long row, long column, long channel, torch.Tensor networkInput) => pass.Write(row, column, channel, networkInput);
    }
}
