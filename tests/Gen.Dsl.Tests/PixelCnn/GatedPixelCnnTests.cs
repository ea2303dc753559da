using System;
using System.Linq;
using FsCheck;
using FsCheck.Xunit;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.PixelCnn;

public class GatedPixelCnnTests
{
    private static torch.Tensor Labels(long batch, int classes, long seed) =>
        torch.randint(classes, new[] { batch }, dtype: torch.int64, generator: Gen.Seed.Generator(seed));

    [Property(MaxTest = 25)]
    public void Each_pixel_channel_depends_on_exactly_the_earlier_pixels_of_its_receptive_field(
        int seed, PositiveInt channels, PositiveInt height, PositiveInt width, PositiveInt layers, PositiveInt extra, bool categorical, bool conditional)
    {
        int c = 1 + (channels.Get % 3), h = 1 + (height.Get % 6), w = 1 + (width.Get % 6), l = 1 + (layers.Get % 3);
        var head = categorical ? PixelHead.Categorical(3) : PixelHead.Bernoulli();
        int classes = conditional ? 3 : 0;
        using var model = Autoregressive.GatedPixelCnn(c, h, w)
            .WithFilters(c + (extra.Get % 4))
            .WithLayers(l)
            .WithClasses(classes)
            .WithHead(head)
            .Compile(Device.Cpu, torch.float64, seed);
        PixelDependence.OpenAllPaths(model, bias: 1, weightScale: 0.3);
        var labels = conditional ? Labels(8, classes, seed) : null;
        var influence = PixelDependence.Influence(x => model.HeadParameters(x, labels), PixelDependence.Images(8, c, h, w, head, seed));
        PixelCnnStructureTests.AssertAutoregressive(influence, c, h, w);
        PixelDependence.ForEachPair(c, h, w, (oc, oi, oj, ic, ii, ij) =>
        {
            bool expected = PixelDependence.InField(ii, ij, oi, oj, l - 1) || (ii == oi && ij == oj && ic < oc);
            Assert.True(
                expected == influence[oc, oi, oj, ic, ii, ij],
                $"output (channel {oc}, pixel {oi},{oj}) and input (channel {ic}, pixel {ii},{ij}): expected dependence {expected}");
        });
    }

    [Fact]
    public void Gated_PixelCnn_has_no_blind_spot_where_plain_PixelCnn_has_one()
    {
        // Same image, same reach (a 7×7 layer then two 3×3 layers): the plain model misses pixels of its field, the gated one none.
        const int h = 8, w = 12, i = 6, j = 5;
        using var gated = Autoregressive.GatedPixelCnn(1, h, w).WithFilters(4).WithLayers(3).Compile(Device.Cpu, torch.float64, seed: 3);
        using var plain = Autoregressive.PixelCnn(1, h, w).WithFilters(8).WithResidualBlocks(2).Compile(Device.Cpu, torch.float64, seed: 3);
        PixelDependence.OpenAllPaths(gated, bias: 1, weightScale: 0.3);
        PixelDependence.OpenAllPaths(plain, bias: 20);
        var x = PixelDependence.Images(4, 1, h, w, PixelHead.Bernoulli(), 4);
        var gatedInfluence = PixelDependence.Influence(xs => gated.HeadParameters(xs), x);
        var plainInfluence = PixelDependence.Influence(plain.HeadParameters, x);
        var field = Enumerable.Range(0, h).SelectMany(a => Enumerable.Range(0, w).Select(b => (a, b)))
            .Where(p => PixelDependence.InField(p.a, p.b, i, j, 2)).ToArray();
        Assert.Equal((5 * 11) + 5, field.Length); // rows i − 5 … i − 1, columns j − 5 … j + 5, and 5 to the left
        Assert.All(field, p => Assert.True(gatedInfluence[0, i, j, 0, p.a, p.b], $"gated: pixel {p} of the field is blind"));
        var blind = field.Where(p => !plainInfluence[0, i, j, 0, p.a, p.b]).ToArray();
        Assert.Contains((i - 1, j + 4), blind);
        Assert.Equal(new[] { (i - 1, j + 4), (i - 1, j + 5), (i - 2, j + 5) }.OrderBy(p => p), blind.OrderBy(p => p));
    }

    [Fact]
    public void A_class_conditional_model_normalises_for_every_label_and_samples_match_its_density()
    {
        // A random model tests the properties only where it is not degenerate: with the perturbation below, some seeds
        // kill the output ReLUs for all 16 images (every logit is then its bias, so no label can have an effect) and
        // others put more than half the mass on one image (too concentrated for the chi-square test to mean much). So
        // the first seed whose model is neither is taken; if the label were not wired in, no seed would do.
        using var model = Enumerable.Range(0, 20).Select(seed =>
        {
            var candidate = Autoregressive.GatedPixelCnn(2, 1, 2).WithFilters(4).WithLayers(2).WithClasses(3).Compile(Device.Cpu, torch.float64, seed: seed);
            PixelCnnModelTests.Perturb(candidate, 0.7, 1);
            if (UsableConditional(candidate))
            {
                return candidate;
            }

            candidate.Dispose();
            return null;
        }).FirstOrDefault(m => m is not null) ?? throw new Xunit.Sdk.XunitException("no seed from 0 to 19 gave a model whose label changes its density (or every one was too concentrated)");
        var g = Gen.Seed.Generator(2);
        for (long label = 0; label < 3; label++)
        {
            long y = label;
            PixelEnumeration.AssertSamplesMatchDensity(
                x => model.LogProb(x, torch.full(x.shape[0], y, dtype: torch.int64)),
                n => model.SampleGiven(torch.full(n, y, dtype: torch.int64), g),
                2, 1, 2, 2, 10000);
        }

    }

    // Whether every label's density leaves at least half the mass off its likeliest image, and labels 0 and 1 differ.
    private static bool UsableConditional(GatedPixelCnnModel model)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var all = PixelEnumeration.AllImages(2, 1, 2, 2);
        var densities = Enumerable.Range(0, 3).Select(y => model.LogProb(all, torch.full(16, (long)y, dtype: torch.int64))).ToArray();
        return densities.All(lp => lp.exp().max().ToDouble() < 0.5) && !densities[0].allclose(densities[1], rtol: 1e-3, atol: 1e-3);
    }

    [Fact]
    public void An_unconditional_categorical_model_normalises_and_samples_match_its_density()
    {
        using var model = Autoregressive.GatedPixelCnn(1, 2, 2).WithFilters(3).WithLayers(2).WithHead(PixelHead.Categorical(3)).Compile(Device.Cpu, torch.float64, seed: 0);
        PixelCnnModelTests.Perturb(model, 0.7, 5);
        var g = Gen.Seed.Generator(6);
        PixelEnumeration.AssertSamplesMatchDensity(x => model.LogProb(x), n => model.Sample(n, g), 1, 2, 2, 3, 20000);
        Assert.True(model.forward(PixelEnumeration.AllImages(1, 2, 2, 3)).allclose(model.LogProb(PixelEnumeration.AllImages(1, 2, 2, 3)), 0, 0));
    }

    [Fact]
    public void Labels_are_checked_against_the_model()
    {
        using var conditional = Autoregressive.GatedPixelCnn(1, 4, 4).WithFilters(4).WithLayers(2).WithClasses(10).Compile(Device.Cpu);
        using var unconditional = Autoregressive.GatedPixelCnn(1, 4, 4).WithFilters(4).WithLayers(2).Compile(Device.Cpu);
        var x = torch.zeros(3, 1, 4, 4);
        Assert.Contains("needs labels", Assert.Throws<ArgumentException>(() => conditional.LogProb(x)).Message);
        Assert.Contains("needs labels", Assert.Throws<ArgumentException>(() => conditional.Sample(2)).Message);
        Assert.Contains("unconditional", Assert.Throws<ArgumentException>(() => unconditional.LogProb(x, torch.zeros(3, dtype: torch.int64))).Message);
        Assert.Contains("unconditional", Assert.Throws<ArgumentException>(() => unconditional.SampleGiven(torch.zeros(3, dtype: torch.int64))).Message);
        var e = Assert.Throws<GenShapeException>(() => conditional.LogProb(x, torch.zeros(2, dtype: torch.int64)));
        Assert.Equal("gated_pixel_cnn.labels", e.Node);
        Assert.Contains("[3]", e.Message);
        Assert.Contains("int64", Assert.Throws<ArgumentException>(() => conditional.LogProb(x, torch.zeros(3))).Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("0 … 9", Assert.Throws<ArgumentException>(() => conditional.LogProb(x, torch.full(3, 10L, dtype: torch.int64))).Message);
        Assert.Throws<GenShapeException>(() => conditional.SampleGiven(torch.zeros(new long[] { 2, 1 }, dtype: torch.int64)));
        Assert.Equal(new long[] { 3 }, conditional.LogProb(x, torch.tensor(new long[] { 0, 5, 9 })).shape);
        Assert.Equal(new long[] { 2, 1, 4, 4 }, conditional.SampleGiven(torch.tensor(new long[] { 1, 7 }), Gen.Seed.Generator(0)).shape);
    }

    [Fact]
    public void Specs_check_their_fields_and_print_their_shape()
    {
        var spec = Autoregressive.GatedPixelCnn(3, 32, 32).WithFilters(96).WithLayers(10).WithClasses(10).WithHead(PixelHead.Categorical());
        Assert.Equal("GatedPixelCnn(3×32×32; 10 gated layers, 96 filters, 10 classes; Categorical(256) head)", spec.ToString());
        Assert.Equal(spec, Autoregressive.GatedPixelCnn(3, 32, 32).WithHead(PixelHead.Categorical()).WithClasses(10).WithLayers(10).WithFilters(96));
        Assert.Equal("GatedPixelCnn(1×28×28; 6 gated layers, 64 filters; Bernoulli head)", Autoregressive.GatedPixelCnn(1, 28, 28).ToString());
        Assert.Equal("gated_pixel_cnn.filters", Assert.Throws<GenShapeException>(() => spec.WithFilters(2)).Node);
        Assert.Equal("gated_pixel_cnn.layers", Assert.Throws<GenShapeException>(() => spec.WithLayers(0)).Node);
        Assert.Equal("gated_pixel_cnn.classes", Assert.Throws<GenShapeException>(() => spec.WithClasses(-1)).Node);
        Assert.Equal("gated_pixel_cnn.width", Assert.Throws<GenShapeException>(() => Autoregressive.GatedPixelCnn(1, 4, 0)).Node);
    }
}
