using System.Linq;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Latent.ConvVae;

public class ConvVaeGradientTests
{
    public static TheoryData<string> Objectives => new() { "elbo", "iwae", "dreg", "gaussian-radial" };

    [Theory]
    [MemberData(nameof(Objectives))]
    public void Every_parameter_gets_a_gradient(string objective)
    {
        var spec = Gen.Dsl.Latent.Vae(2, 10, 9, 3).WithEncoder(Net.ConvEncoder(4, 6).WithKernel(3, 2)).WithDecoder(Net.ConvDecoder(6, 4).WithKernel(3, 2));
        spec = objective switch
        {
            "iwae" => spec.WithObjective(LatentObjective.Iwae(3)),
            "dreg" => spec.WithObjective(LatentObjective.IwaeDreg(3)),
            "gaussian-radial" => spec.WithLikelihood(Likelihood.Gaussian()).WithPosteriorFlow(PosteriorFlowKind.Radial, 1),
            _ => spec,
        };
        using var model = spec.Compile(Device.Cpu, torch.float64, seed: 0);
        var x = torch.rand(4, 2, 10, 9, dtype: torch.float64, generator: Seed.Generator(1));
        if (objective != "gaussian-radial")
        {
            x = x.gt(0.5).to(torch.float64);
        }

        model.Loss(x, step: 0, Seed.Generator(2)).backward();
        var missing = model.named_parameters()
            .Where(p => p.parameter.grad is null || p.parameter.grad.abs().sum().item<double>() == 0 || !p.parameter.grad.isfinite().all().item<bool>())
            .Select(p => p.name).ToArray();
        Assert.Empty(missing);
        Assert.Contains(model.named_parameters(), p => p.name == "encoder.conv.0.weight");
        Assert.Contains(model.named_parameters(), p => p.name == "decoder.deconv.1.bias");
    }

    [Fact]
    public void Training_steps_leave_no_tensors_behind()
    {
        using var model = Gen.Dsl.Latent.Vae(1, 8, 8, 2).WithEncoder(Net.ConvEncoder(4)).WithDecoder(Net.ConvDecoder(4))
            .WithObjective(LatentObjective.IwaeDreg(3)).Compile(Device.Cpu, seed: 0);
        var x = torch.rand(6, 1, 8, 8, generator: Seed.Generator(0)).gt(0.5).to(torch.float32);
        using var optimizer = new Gen.Optimization.FusedAdam(model.parameters(), 1e-3);
        var noise = Seed.Generator(1);
        VaeTraining.Run(model, optimizer, x, 0, 2, batch: 6, noise);
        var stats = DisposeScopeManager.Statistics.TensorStatistics;
        long before = stats.ThreadTotalLiveCount;
        VaeTraining.Run(model, optimizer, x, 2, 12, batch: 6, noise);
        Assert.Equal(before, stats.ThreadTotalLiveCount);
    }

    [Fact]
    public void The_encoders_gradient_matches_finite_differences()
    {
        // float64: d ELBO / d w for one weight of each convolution and the transposed convolutions, with the posterior
        // sample's noise fixed by the generator.
        var spec = Gen.Dsl.Latent.Vae(1, 6, 6, 2).WithEncoder(Net.ConvEncoder(3).WithKernel(3, 2)).WithDecoder(Net.ConvDecoder(3).WithKernel(3, 2))
            .WithLikelihood(Likelihood.GaussianWithScale(0.5));
        using var model = spec.Compile(Device.Cpu, torch.float64, seed: 1);
        var x = torch.rand(3, 1, 6, 6, dtype: torch.float64, generator: Seed.Generator(1));
        double Elbo() => model.Elbo(x, Seed.Generator(9)).sum().item<double>();
        model.Elbo(x, Seed.Generator(9)).sum().backward();
        foreach (var name in new[] { "encoder.conv.0.weight", "decoder.deconv.0.weight" })
        {
            var p = model.named_parameters().Single(q => q.name == name).parameter;
            double analytic = p.grad!.flatten()[4].item<double>();
            const double h = 1e-6;
            using (torch.no_grad())
            {
                p.flatten()[4].add_(h);
            }

            double up = Elbo();
            using (torch.no_grad())
            {
                p.flatten()[4].sub_(2 * h);
            }

            double down = Elbo();
            using (torch.no_grad())
            {
                p.flatten()[4].add_(h);
            }

            Assert.Equal(analytic, (up - down) / (2 * h), 4);
        }
    }
}
