using System;
using System.Linq;
using Gen.Data;
using Gen.Probability;
using Gen.Probability.Distributions;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Heads;

/// <summary>The one head mechanism: every head's density is a Gen.Probability distribution, and a head of one's own serves a VAE and a pixel model alike.</summary>
public class HeadTests
{
    [Fact]
    public void Every_discrete_head_puts_mass_one_on_its_values()
    {
        var g = Seed.Generator(0);
        foreach (var (head, levels) in new (HeadSpec, int)[]
        {
            (Head.Bernoulli(), 2), (Head.Categorical(5), 5), (Head.DiscretizedLogistic(6), 6), (Head.DiscretizedLogisticMixture(3, 7), 7),
        })
        {
            // 4 elements with random parameters, scored at every value.
            var parameters = (DeviceRandom.Normal(new long[] { 4, head.ParametersPerElement }, torch.float64, Device.Cpu, g) * 2).unsqueeze(0).expand(levels, 4, head.ParametersPerElement);
            var values = torch.arange(levels, dtype: torch.float64).unsqueeze(1).expand(levels, 4);
            var mass = head.Distribution(parameters).LogProb(values).exp().sum(dim: 0);
            Assert.True(mass.allclose(torch.ones(new long[] { 4 }, dtype: torch.float64), 1e-12, 1e-12), $"{head}: {mass.ToString(TensorStringStyle.Julia)}");
        }
    }

    [Fact]
    public void The_gaussian_head_is_the_normal_its_parameters_name()
    {
        var p = torch.tensor(new[] { 0.3, -1.2, -2.0, 0.0 }, dtype: torch.float64).reshape(2, 2);
        var x = torch.tensor(new[] { 0.1, 0.7 }, dtype: torch.float64);
        var learned = Head.Gaussian().Distribution(p).LogProb(x);
        var scale = torch.nn.functional.softplus(p.select(-1, 1)) + GaussianHead.MinScale;
        Assert.True(learned.allclose(new Normal(p.select(-1, 0), scale).LogProb(x), 0, 1e-15));
        // With a unit scale at zero, a zero output is N(mean, 1): what a conditional base starts from.
        var unit = new GaussianHead(null, UnitScaleAtZero: true).Distribution(torch.zeros(3, 2, dtype: torch.float64));
        Assert.True(((Normal)unit).Scale.allclose(torch.ones(3, dtype: torch.float64), 0, 1e-15));
        var fixedScale = Head.GaussianWithScale(0.5);
        Assert.Equal(1, fixedScale.ParametersPerElement);
        Assert.True(fixedScale.Distribution(p.narrow(1, 0, 1)).LogProb(x).allclose(new Normal(p.select(-1, 0), torch.tensor(0.5, dtype: torch.float64)).LogProb(x), 0, 1e-15));
    }

    [Fact]
    public void Joint_reads_the_parameters_one_kind_after_another_along_the_first_event_dimension()
    {
        // [batch 2, P·C = 2·3, H 2, W 1]: all means, then all raw scales.
        var g = Seed.Generator(1);
        var decoded = DeviceRandom.Normal(new long[] { 2, 6, 2, 1 }, torch.float64, Device.Cpu, g);
        var x = DeviceRandom.Normal(new long[] { 2, 3, 2, 1 }, torch.float64, Device.Cpu, g);
        var joint = Head.Gaussian().Joint(decoded, eventRank: 3);
        Assert.Equal(new long[] { 2 }, joint.BatchShape);
        Assert.Equal(new long[] { 3, 2, 1 }, joint.EventShape);
        var mean = decoded.narrow(1, 0, 3);
        var scale = torch.nn.functional.softplus(decoded.narrow(1, 3, 3)) + GaussianHead.MinScale;
        var expected = new Normal(mean, scale).LogProb(x).sum(new long[] { 1, 2, 3 });
        Assert.True(joint.LogProb(x).allclose(expected, 0, 1e-13));
        var odd = Assert.Throws<GenShapeException>(() => Head.Gaussian().Joint(torch.zeros(2, 5), 1));
        Assert.Contains("[2, 5]", odd.Message);
        Assert.Throws<GenShapeException>(() => Head.Categorical(4).Distribution(torch.zeros(2, 3)));
    }

    [Fact]
    public void A_head_of_ones_own_is_a_VAE_likelihood_and_a_pixel_models_head()
    {
        // A VAE on the 8×8 digits scaled to [0, 1] with a Laplace likelihood.
        var digits = Digits.Load(Device.Cpu).Images.reshape(-1, 64)[..256] / 16;
        using var vae = Gen.Dsl.Latent.Vae(64, 4).WithEncoder(Net.Mlp(32)).WithDecoder(Net.Mlp(32)).WithLikelihood(new LaplaceHead()).Compile(Device.Cpu, seed: 0);
        Assert.Contains("Laplace(64)", vae.Spec.ToString());
        var before = -vae.Elbo(digits).mean().ToDouble();
        var trainer = new Trainer(vae, new Gen.Optimization.FusedAdam(vae.parameters(), 3e-3), x => -vae.Elbo(x).mean(), new TrainingOptions { Epochs = 30, BatchSize = 64 });
        trainer.Fit(digits);
        var after = -vae.Elbo(digits).mean().ToDouble();
        Assert.True(after < before - 20, $"-ELBO {before} -> {after}");

        // The same head over the pixels of a PixelCNN: its log-density is the sum of the Laplace conditionals it reads out.
        using var pixels = Autoregressive.PixelCnn(1, 3, 3).WithFilters(4).WithResidualBlocks(1).WithHead(new LaplaceHead()).Compile(Device.Cpu, torch.float64, seed: 1);
        var images = DeviceRandom.Normal(new long[] { 5, 1, 3, 3 }, torch.float64, Device.Cpu, Seed.Generator(2));
        var p = pixels.HeadParameters(images);
        var expected = new Laplace(p.select(-1, 0), p.select(-1, 1).exp()).LogProb(images).sum(new long[] { 1, 2, 3 });
        Assert.True(pixels.LogProb(images).allclose(expected, 0, 1e-12));
        Assert.Equal(new long[] { 4, 1, 3, 3 }, pixels.Sample(4, Seed.Generator(3)).shape);

        // Without a JSON form its models still save their weights; the spec's JSON names the fix.
        var spec = vae.Spec;
        var error = Assert.Throws<InvalidOperationException>(() => spec.ToJson());
        Assert.Contains("SpecJson.Register<LaplaceHead>", error.Message);
    }

    [Fact]
    public void Bad_data_for_a_head_names_the_node_the_head_and_the_value()
    {
        var e = Assert.Throws<ArgumentException>(() => Head.Categorical(4).CheckData(torch.tensor(new[] { 0.0, 4.0 }), "model.log_prob"));
        Assert.Equal("model.log_prob: the Categorical(4) head needs values in the integer levels 0 … 3, got 4. (Parameter 'x')", e.Message);
        var binary = Assert.Throws<ArgumentException>(() => Head.Bernoulli().CheckData(torch.tensor(new[] { 0.0, 0.5 }), "vae.elbo"));
        Assert.Contains("Transforms.BinarizeStatic(x / 255, 0.5)", binary.Message);
    }

    /// <summary>A Laplace per element: location and log-scale from the network.</summary>
    private sealed record LaplaceHead : HeadSpec
    {
        public override int ParametersPerElement => 2;

        public override string SupportText => "finite real numbers";

        public override string ToString() => "Laplace";

        public override IDistribution Distribution(torch.Tensor parameters) =>
            new Laplace(Checked(parameters).select(-1, 0), parameters.select(-1, 1).exp());

        public override torch.Tensor Contains(torch.Tensor x) => x.isfinite();
    }
}
