using System;
using System.Collections.Generic;
using System.Linq;
using Gen.Runtime;
using TorchSharp;
using Xunit;

namespace Gen.Core.Tests.Runtime;

/// <summary>
/// Convolutions through <see cref="Convolutions"/> against a float64 reference (which libtorch computes without
/// oneDNN), for the channel counts that libtorch 2.10's blocked CPU kernels get wrong: counts that are not multiples
/// of 8 or 16. Before each call, freed memory is filled with NaN, so a kernel that reads memory nobody wrote returns
/// NaN instead of plausible numbers. On a machine whose oneDNN misjudges its caches (an AMD EPYC virtual machine with
/// AVX-512), plain <c>torch.nn.functional.conv2d</c> fails this test in most of the cases below.
/// </summary>
public class ConvolutionsTests
{
    private const int Repeats = 3;

    /// <summary>(batch, in, out, kernel, stride, side), among them every kind of case that was wrong before.</summary>
    private static readonly (long N, long In, long Out, int K, int S, int Side)[] Cases =
    {
        (64, 8, 8, 3, 1, 8), (64, 16, 8, 3, 1, 8), (64, 8, 16, 3, 1, 8), (64, 3, 3, 3, 1, 8), (64, 32, 4, 3, 1, 8),
        (64, 24, 24, 3, 1, 8), (64, 12, 12, 3, 1, 8), (64, 16, 1, 3, 1, 8), (64, 1, 16, 7, 1, 8), (64, 1, 8, 5, 1, 8),
        (64, 8, 8, 5, 1, 8), (16, 64, 12, 3, 1, 14), (16, 12, 64, 3, 1, 7), (16, 6, 64, 3, 1, 14), (32, 1, 12, 4, 2, 14),
        (64, 16, 16, 3, 1, 8), (16, 2, 3, 1, 1, 6), (16, 1, 1, 1, 2, 10), (16, 12, 2, 3, 2, 10), (16, 24, 1, 4, 2, 10),
    };

    public static TheoryData<bool> Directions => new() { false, true };

    [Theory]
    [MemberData(nameof(Directions))]
    public void Float32_results_and_gradients_match_float64_for_every_channel_count(bool transposed)
    {
        var failures = new List<string>();
        foreach (var c in Cases)
        {
            using var scope = torch.NewDisposeScope();
            using var g = Seed.Generator(c.In * 1000 + c.Out);
            var x = torch.randn(new[] { c.N, c.In, c.Side, c.Side }, generator: g);
            var w = 0.1 * (transposed
                ? torch.randn(new[] { c.In, c.Out, (long)c.K, c.K }, generator: g)
                : torch.randn(new[] { c.Out, c.In, (long)c.K, c.K }, generator: g));
            var b = torch.randn(new[] { c.Out }, generator: g);
            var stride = new long[] { c.S, c.S };
            var padding = new long[] { c.K / 2, c.K / 2 };
            torch.Tensor Conv(torch.Tensor input, torch.Tensor weight, torch.Tensor bias) => transposed
                ? Convolutions.ConvTranspose2d(input, weight, bias, stride, padding)
                : Convolutions.Conv2d(input, weight, bias, stride, padding);

            var (y64, dx64, dw64, db64) = ValueAndGradients(x.to(torch.float64), w.to(torch.float64), b.to(torch.float64), Conv, seed: 7);
            for (int r = 0; r < Repeats; r++)
            {
                PoisonFreedMemory();
                var (y, dx, dw, db) = ValueAndGradients(x, w, b, Conv, seed: 7);
                foreach (var (name, value, reference) in new[] { ("output", y, y64), ("input gradient", dx, dx64), ("weight gradient", dw, dw64), ("bias gradient", db, db64) })
                {
                    double error = RelativeError(value, reference);
                    if (!(error < 1e-4))
                    {
                        failures.Add($"{(transposed ? "conv_transpose2d" : "conv2d")} [{c.N}, {c.In}, {c.Side}, {c.Side}] {c.In} -> {c.Out}, kernel {c.K}, stride {c.S}, call {r}: {name} off by {error:G3} of its largest value");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void Padded_channels_never_reach_the_result_or_the_gradients()
    {
        // 5 → 3 channels, grouped too: padding makes 16 outputs per group, of which only the real ones come back, and
        // the gradients of the real weights are those of the unpadded convolution.
        using var g = Seed.Generator(1);
        foreach (long groups in new long[] { 1, 2 })
        {
            var x = torch.randn(new long[] { 4, 10 * groups, 6, 6 }, generator: g);
            var w = torch.randn(new long[] { 3 * groups, 10, 3, 3 }, generator: g);
            var b = torch.randn(new long[] { 3 * groups }, generator: g);
            var (y, dx, dw, db) = ValueAndGradients(x, w, b, (i, k, c) => Convolutions.Conv2d(i, k, c, padding: new long[] { 1, 1 }, groups: groups), seed: 3);
            var (y64, dx64, dw64, db64) = ValueAndGradients(
                x.to(torch.float64), w.to(torch.float64), b.to(torch.float64),
                (i, k, c) => torch.nn.functional.conv2d(i, k, c, padding: new long[] { 1, 1 }, groups: groups), seed: 3);
            Assert.Equal(new long[] { 4, 3 * groups, 6, 6 }, y.shape);
            Assert.Equal(w.shape, dw.shape);
            Assert.Equal(b.shape, db.shape);
            Assert.True(RelativeError(y, y64) < 1e-5 && RelativeError(dx, dx64) < 1e-5 && RelativeError(dw, dw64) < 1e-5 && RelativeError(db, db64) < 1e-5, $"groups {groups}");

            var wt = torch.randn(new long[] { 10 * groups, 3, 3, 3 }, generator: g);
            var (z, _, dwt, dbt) = ValueAndGradients(x, wt, b, (i, k, c) => Convolutions.ConvTranspose2d(i, k, c, stride: new long[] { 2, 2 }, groups: groups), seed: 4);
            var (z64, _, dwt64, dbt64) = ValueAndGradients(
                x.to(torch.float64), wt.to(torch.float64), b.to(torch.float64),
                (i, k, c) => torch.nn.functional.conv_transpose2d(i, k, c, strides: new long[] { 2, 2 }, groups: groups), seed: 4);
            Assert.Equal(new long[] { 4, 3 * groups, 13, 13 }, z.shape);
            Assert.True(RelativeError(z, z64) < 1e-5 && RelativeError(dwt, dwt64) < 1e-5 && RelativeError(dbt, dbt64) < 1e-5, $"transposed, groups {groups}");
        }
    }

    [Fact]
    public void Float64_convolutions_are_libtorchs_own_bit_for_bit()
    {
        using var g = Seed.Generator(2);
        var x = torch.randn(new long[] { 2, 3, 5, 5 }, torch.float64, generator: g);
        var w = torch.randn(new long[] { 4, 3, 3, 3 }, torch.float64, generator: g);
        Assert.True(Convolutions.Conv2d(x, w).allclose(torch.nn.functional.conv2d(x, w), 0, 0));
        var wt = torch.randn(new long[] { 3, 4, 3, 3 }, torch.float64, generator: g);
        Assert.True(Convolutions.ConvTranspose2d(x, wt, stride: new long[] { 2, 2 }).allclose(torch.nn.functional.conv_transpose2d(x, wt, strides: new long[] { 2, 2 }), 0, 0));
    }

    [Fact]
    public void Layers_run_with_their_own_weights_and_geometry()
    {
        using var conv = Seed.Building(3, () => torch.nn.Conv2d(3, 5, 3, stride: 2, padding: 1, dilation: 1, groups: 1));
        using var deconv = Seed.Building(4, () => torch.nn.ConvTranspose2d(5, 3, 3, stride: 2, padding: 1, output_padding: 1));
        var x = torch.randn(new long[] { 2, 3, 8, 8 }, generator: Seed.Generator(5));
        var y = Convolutions.Apply(conv, x);
        Assert.Equal(new long[] { 2, 5, 4, 4 }, y.shape);
        Assert.True(y.allclose(conv.forward(x), 1e-5, 1e-5));
        var z = Convolutions.Apply(deconv, y);
        Assert.Equal(new long[] { 2, 3, 8, 8 }, z.shape);
        Assert.True(z.allclose(deconv.forward(y), 1e-5, 1e-5));
    }

    [Fact]
    public void A_layer_that_pads_other_than_with_zeros_is_refused_by_name()
    {
        using var conv = torch.nn.Conv2d(2, 2, 3, padding: 1, padding_mode: PaddingModes.Reflect);
        var e = Assert.Throws<NotSupportedException>(() => Convolutions.Apply(conv, torch.zeros(1, 2, 4, 4)));
        Assert.Contains("Reflect", e.Message);
    }

    private static (torch.Tensor Y, torch.Tensor Dx, torch.Tensor Dw, torch.Tensor Db) ValueAndGradients(
        torch.Tensor x, torch.Tensor w, torch.Tensor b, Func<torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor> conv, long seed)
    {
        var xg = x.detach().requires_grad_(true);
        var wg = w.detach().requires_grad_(true);
        var bg = b.detach().requires_grad_(true);
        var y = conv(xg, wg, bg);
        using var g = Seed.Generator(seed);
        var upstream = torch.randn(y.shape, generator: g).to(y.dtype);
        y.backward(new[] { upstream });
        return (y.detach(), xg.grad!, wg.grad!, bg.grad!);
    }

    private static double RelativeError(torch.Tensor value, torch.Tensor reference)
    {
        var diff = (value.to(torch.float64) - reference).abs().nan_to_num(double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity).max().item<double>();
        return diff / Math.Max(reference.abs().max().item<double>(), 1e-30);
    }

    /// <summary>Allocates and frees NaN-filled blocks of several sizes, so that memory handed out next holds NaN.</summary>
    private static void PoisonFreedMemory()
    {
        foreach (int log2 in new[] { 12, 14, 16, 18, 20 })
        {
            torch.full(new[] { 1L << log2 }, float.NaN).Dispose();
        }
    }
}
