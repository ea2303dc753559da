using System;
using Gen.Data;
using TorchSharp;

namespace Gen.Dsl.Tests.Latent;

/// <summary>
/// A small VAE trained once, with fixed seeds, on 150 of the embedded binarised MNIST images (50 held out), shared by
/// the tests of its bounds and estimates.
/// </summary>
public sealed class TrainedMnistVae : IDisposable
{
    public TrainedMnistVae()
    {
        Data = LatentData.Mnist();
        Model = Gen.Dsl.Latent.Vae(784, latent: 8).WithEncoder(Net.Mlp(128)).WithDecoder(Net.Mlp(128)).Compile(Device.Cpu, seed: 0);
        VaeTraining.Fit(Model, Data.Train, steps: 400, batch: 50, learningRate: 1e-3, seed: 1);
    }

    public Split Data { get; }

    public VaeModel Model { get; }

    public void Dispose() => Model.Dispose();
}
