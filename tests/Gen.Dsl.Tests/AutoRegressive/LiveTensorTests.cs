using System;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.AutoRegressive;

/// <summary>Training steps, mask switches, ensembles and sampling leave no tensors behind.</summary>
public class LiveTensorTests
{
    private static long Live() => DisposeScopeManager.Statistics.ThreadTotalLiveCount;

    /// <summary>Runs <paramref name="step"/> a few times to warm up (optimizer state), then checks that more steps add no live tensors.</summary>
    private static void Flat(Action step)
    {
        for (int i = 0; i < 3; i++)
        {
            step();
        }

        long before = Live();
        for (int i = 0; i < 20; i++)
        {
            step();
        }

        Assert.Equal(before, Live());
    }

    private static Action Training(torch.nn.Module<torch.Tensor, torch.Tensor> model, torch.Tensor batch, Action? eachStep = null)
    {
        var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-3);
        return () =>
        {
            using var scope = torch.NewDisposeScope();
            eachStep?.Invoke();
            var loss = -model.forward(batch).mean();
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        };
    }

    [Fact]
    public void Binary_models_train_switch_masks_and_sample_without_leaking()
    {
        var batch = torch.bernoulli(torch.full(new long[] { 8, 6 }, 0.5), Seed.Generator(0));
        using var made = Autoregressive.Made(6, 16).WithOrder(InputOrder.Random(1)).WithMasks(3).Compile(Device.Cpu, seed: 0);
        using var nade = Autoregressive.Nade(6, 8).Compile(Device.Cpu, seed: 0);
        using var fvsbn = Autoregressive.Fvsbn(6).Compile(Device.Cpu);
        using var rnn = Autoregressive.Rnn(6, 8).Compile(Device.Cpu, seed: 0);
        Flat(Training(rnn, batch));
        Flat(Training(made, batch, made.NextMask));
        Flat(Training(nade, batch));
        Flat(Training(fvsbn, batch));
        var g = Seed.Generator(1);
        Flat(() => made.Sample(4, g).Dispose());
        Flat(() => nade.Sample(4, g).Dispose());
        Flat(() => rnn.Sample(4, g).Dispose());
        Flat(() => made.EnsembleLogProb(batch, 3).Dispose());

        // Outside any dispose scope, so that a temporary left behind would show.
        Flat(made.NextMask);
        Flat(() => made.LogProb(batch).Dispose());
        Flat(() => nade.LogProb(batch).Dispose());
        Flat(() => fvsbn.LogProb(batch).Dispose());
        Flat(() => rnn.LogProb(batch).Dispose());
    }

    [Fact]
    public void Autoregressive_flows_train_and_sample_without_leaking()
    {
        var batch = torch.randn(new long[] { 8, 5 }, generator: Seed.Generator(0));
        using var model = Flow.Over(Dist.StandardNormal(5)).Then(Bij.MaskedAutoregressive(8)).Then(Bij.InverseAutoregressive(8)).Compile(Device.Cpu, seed: 0);
        Flat(Training(model, batch));
        var g = Seed.Generator(1);
        Flat(() => model.Sample(4, g).Dispose());
        Flat(() => model.LogProb(batch).Dispose());
    }
}
