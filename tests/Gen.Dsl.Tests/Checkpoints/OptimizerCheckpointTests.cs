using System.IO;
using System.Linq;
using Gen.Optimization;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Checkpoints;

public sealed class OptimizerCheckpointTests
{
    [Fact]
    public void Training_resumed_from_a_checkpoint_goes_on_bit_for_bit()
    {
        var path = Path.Combine(CheckpointModels.Folder(), "vae.ckpt");
        var x = Data();
        using var model = CheckpointModels.VaeSpec().Compile(Device.Cpu, seed: 1);
        using var adam = new FusedAdam(model.parameters(), learningRate: 0.01);
        Train(model, adam, x, steps: 3, firstStep: 0);
        Model.Save(path, model, adam);
        var lossesBefore = Train(model, adam, x, steps: 3, firstStep: 3);

        using var loaded = Model.Load<VaeModel>(path, Device.Cpu);
        using var resumed = Model.LoadOptimizer(path, loaded);
        var lossesAfter = Train(loaded, resumed, x, steps: 3, firstStep: 3);
        Assert.Equal(lossesBefore, lossesAfter);
        Assert.All(model.named_parameters().Zip(loaded.named_parameters()), p =>
            Assert.True(CheckpointModels.Same(p.First.parameter, p.Second.parameter), $"'{p.First.name}' differs"));
    }

    [Fact]
    public void An_optimizer_over_part_of_the_model_in_another_order_comes_back_for_the_same_parameters()
    {
        var path = Path.Combine(CheckpointModels.Folder(), "vae.ckpt");
        var x = Data();
        using var model = CheckpointModels.VaeSpec().Compile(Device.Cpu, seed: 1);
        var decoderFirst = model.named_parameters().OrderByDescending(p => p.name.StartsWith("decoder", System.StringComparison.Ordinal)).Select(p => p.parameter).Skip(1).ToArray();
        using var adam = new FusedAdam(decoderFirst, learningRate: 0.01);
        Train(model, adam, x, steps: 2, firstStep: 0);
        Model.Save(path, model, adam);

        using var loaded = Model.Load<VaeModel>(path, Device.Cpu);
        using var resumed = Model.LoadOptimizer(path, loaded);
        var names = model.named_parameters().ToDictionary(p => p.parameter.Handle, p => p.name);
        var loadedNames = loaded.named_parameters().ToDictionary(p => p.parameter.Handle, p => p.name);
        Assert.Equal(adam.Parameters.Select(p => names[p.Handle]), resumed.Parameters.Select(p => loadedNames[p.Handle]));
        Assert.Equal(State(adam), State(resumed));
    }

    private static byte[] State(FusedAdam adam)
    {
        using var stream = new MemoryStream();
        adam.Save(stream);
        return stream.ToArray();
    }

    private static torch.Tensor Data()
    {
        using var g = Seed.Generator(8);
        return torch.bernoulli(torch.full(new long[] { 32, 12 }, 0.3), g);
    }

    [Fact]
    public void A_torch_optimizers_state_is_saved_and_training_resumes_bit_for_bit()
    {
        var path = Path.Combine(CheckpointModels.Folder(), "vae-adamw.ckpt");
        var x = Data();
        using var model = CheckpointModels.VaeSpec().Compile(Device.Cpu, seed: 1);
        using var adamW = new TorchOptimizer(torch.optim.AdamW(model.parameters(), lr: 0.01));
        Train(model, adamW, x, steps: 3, firstStep: 0);
        Model.Save(path, model, adamW);
        var lossesBefore = Train(model, adamW, x, steps: 3, firstStep: 3);

        using var loaded = Model.Load<VaeModel>(path, Device.Cpu);
        using var resumed = new TorchOptimizer(torch.optim.AdamW(loaded.parameters(), lr: 0.5));
        Model.LoadOptimizerState(path, loaded, resumed);
        Assert.Equal(0.01, resumed.LearningRate, 12);
        var lossesAfter = Train(loaded, resumed, x, steps: 3, firstStep: 3);
        Assert.Equal(lossesBefore, lossesAfter);
        Assert.All(model.named_parameters().Zip(loaded.named_parameters()), p =>
            Assert.True(CheckpointModels.Same(p.First.parameter, p.Second.parameter), $"'{p.First.name}' differs"));
    }

    [Fact]
    public void The_weights_of_a_checkpoint_with_any_optimizers_state_load_alone_and_a_fused_adam_loads_its_state_into_itself()
    {
        var x = Data();
        using var model = CheckpointModels.VaeSpec().Compile(Device.Cpu, seed: 1);
        using var adam = new TorchOptimizer(torch.optim.Adam(model.parameters(), lr: 0.01));
        Train(model, adam, x, steps: 2, firstStep: 0);
        var path = Path.Combine(CheckpointModels.Folder(), "vae-adam-weights.ckpt");
        Model.Save(path, model, adam);
        // The document names the TorchSharp optimizer's format; reading the weights alone accepts it.
        using var other = CheckpointModels.VaeSpec().Compile(Device.Cpu, seed: 2);
        Model.LoadWeights(path, other);
        Assert.All(model.named_parameters().Zip(other.named_parameters()), p =>
            Assert.True(CheckpointModels.Same(p.First.parameter, p.Second.parameter), $"'{p.First.name}' differs"));

        using var fused = new FusedAdam(model.parameters(), 0.01);
        Train(model, fused, x, steps: 2, firstStep: 2);
        var fusedPath = Path.Combine(CheckpointModels.Folder(), "vae-fused-into.ckpt");
        Model.Save(fusedPath, model, fused);
        using var again = new FusedAdam(other.parameters(), 0.5);
        Model.LoadWeights(fusedPath, other);
        Model.LoadOptimizerState(fusedPath, other, again);
        Assert.Equal(0.01, again.LearningRate, 12);
        Assert.Equal(Train(model, fused, x, steps: 2, firstStep: 4), Train(other, again, x, steps: 2, firstStep: 4));
    }

    [Fact]
    public void A_state_is_refused_by_an_optimizer_it_does_not_fit_before_it_reads_a_byte()
    {
        var path = Path.Combine(CheckpointModels.Folder(), "vae-adam.ckpt");
        var x = Data();
        using var model = CheckpointModels.VaeSpec().Compile(Device.Cpu, seed: 1);
        using var adam = new TorchOptimizer(torch.optim.Adam(model.parameters(), lr: 0.01));
        Train(model, adam, x, steps: 1, firstStep: 0);
        Model.Save(path, model, adam);

        var fused = Assert.Throws<GenCheckpointException>(() => Model.LoadOptimizer(path, model));
        Assert.Equal(CheckpointError.OptimizerMismatch, fused.Error);
        Assert.Contains("Model.LoadOptimizerState", fused.Message);

        using var sgd = new TorchOptimizer(torch.optim.SGD(model.parameters(), 0.1));
        var kind = Assert.Throws<GenCheckpointException>(() => Model.LoadOptimizerState(path, model, sgd));
        Assert.Contains("TorchSharp.Modules.Adam", kind.Message);
        Assert.Contains("TorchSharp.Modules.SGD", kind.Message);

        using var reversed = new TorchOptimizer(torch.optim.Adam(model.parameters().Reverse(), lr: 0.01));
        var order = Assert.Throws<GenCheckpointException>(() => Model.LoadOptimizerState(path, model, reversed));
        Assert.Contains("same order", order.Message);

        using var amsgrad = new TorchOptimizer(torch.optim.Adam(model.parameters(), lr: 0.01, amsgrad: true));
        var settings = Assert.Throws<GenCheckpointException>(() => Model.LoadOptimizerState(path, model, amsgrad));
        Assert.Equal(CheckpointError.OptimizerMismatch, settings.Error);

        var fusedPath = Path.Combine(CheckpointModels.Folder(), "vae-fused.ckpt");
        using var fusedAdam = new FusedAdam(model.parameters(), 0.01);
        Model.Save(fusedPath, model, fusedAdam);
        var wrongWay = Assert.Throws<GenCheckpointException>(() => Model.LoadOptimizerState(fusedPath, model, adam));
        Assert.Contains("Model.LoadOptimizer(path, model)", wrongWay.Message);
    }

    [Fact]
    public void A_torch_optimizers_snapshot_puts_its_moments_back()
    {
        var x = Data();
        using var model = CheckpointModels.VaeSpec().Compile(Device.Cpu, seed: 1);
        using var adam = new TorchOptimizer(torch.optim.Adam(model.parameters(), lr: 0.01));
        Train(model, adam, x, steps: 2, firstStep: 0);
        var before = State(adam);
        using var snapshot = adam.Snapshot();
        Assert.NotNull(snapshot);
        Train(model, adam, x, steps: 2, firstStep: 2);
        Assert.NotEqual(before, State(adam));
        snapshot!.Restore();
        Assert.Equal(before, State(adam));
    }

    private static byte[] State(IStepOptimizer optimizer)
    {
        using var stream = new MemoryStream();
        optimizer.SaveState(stream);
        return stream.ToArray();
    }

    private static float[] Train(VaeModel model, IStepOptimizer adam, torch.Tensor x, int steps, int firstStep)
    {
        var losses = new float[steps];
        for (int i = 0; i < steps; i++)
        {
            using var scope = torch.NewDisposeScope();
            using var g = Seed.Generator(100 + firstStep + i);
            adam.ZeroGrad();
            var loss = model.Loss(x, firstStep + i, g);
            loss.backward();
            adam.Step();
            losses[i] = loss.item<float>();
        }

        return losses;
    }
}
