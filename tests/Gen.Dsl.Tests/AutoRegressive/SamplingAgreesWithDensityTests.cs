using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.AutoRegressive;

/// <summary>
/// For each binary autoregressive model over 4 features: exp(log p) sums to 1 over all 16 vectors, and 20 000
/// ancestral samples match those 16 probabilities (chi-square, fixed seeds).
/// </summary>
public class SamplingAgreesWithDensityTests
{
    private const int Samples = 20000;

    private static void Check(AutoregressiveBinaryModel model)
    {
        DensityChecks.Perturb(model, 1.0, 11);
        DensityChecks.SumsToOne(model.LogProb, 4);
        DensityChecks.SamplesMatchMass(model, Samples, 12);
    }

    [Fact]
    public void Made()
    {
        using var model = Autoregressive.Made(4, 8, 8).WithOrder(InputOrder.Given(2, 0, 3, 1)).Compile(Device.Cpu, torch.float64, seed: 0);
        Check(model);
    }

    [Fact]
    public void Made_with_another_mask_of_an_order_agnostic_model()
    {
        using var model = Autoregressive.Made(4, 8).WithOrder(InputOrder.Random(1)).WithMasks(5).Compile(Device.Cpu, torch.float64, seed: 0);
        model.UseMask(3);
        Check(model);
    }

    [Fact]
    public void Nade()
    {
        using var model = Autoregressive.Nade(4, 6).WithOrder(InputOrder.Reversed).Compile(Device.Cpu, torch.float64, seed: 0);
        Check(model);
    }

    [Fact]
    public void Fvsbn()
    {
        using var model = Autoregressive.Fvsbn(4).WithOrder(InputOrder.Given(1, 3, 0, 2)).Compile(Device.Cpu, torch.float64);
        Check(model);
    }

    [Fact]
    public void Rnn()
    {
        using var model = Autoregressive.Rnn(4, 6).WithOrder(InputOrder.Given(3, 1, 0, 2)).WithLayers(2).Compile(Device.Cpu, torch.float64, seed: 0);
        Check(model);
    }
}
