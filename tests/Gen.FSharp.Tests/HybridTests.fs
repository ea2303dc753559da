/// A flow trained on its likelihood plus an adversarial term (Flow-GAN), declared in F#.
module Gen.FSharp.Tests.HybridTests

open System.Collections.Generic
open Gen
open Gen.Data
open Gen.Dsl
open Gen.Optimization
open TorchSharp
open Xunit
open Gen.FSharp.Tests.Common

[<Fact>]
let ``A flow trained on its likelihood plus an adversarial term learns the ring and reports each term`` () =
    init ()
    let train = ToyData.Sample(ToySet.EightGaussians, 2048L, Device.Cpu, Seed.Generator 0L)
    let heldOut = ToyData.Sample(ToySet.EightGaussians, 1024L, Device.Cpu, Seed.Generator 1L)
    use flow =
        Flow.Over(Dist.StandardNormal 2)
            .Then(Bij.AffineCoupling(Mask.Alternating 2, Net.Mlp(32, 32)))
            .Then(Bij.Reverse())
            .Repeat(4)
            .Compile(Device.Cpu, seed = 0L)
    use critic = Adversarial.Critic(2).WithNetwork(Net.Mlp(32, 32)).WithSpectralNorm().Compile(Device.Cpu, seed = 1L)
    let objective = Objective.Likelihood + 0.5 * Objective.Adversarial(Objective.NonSaturating + Penalty.R1)
    use adversary = new Adversary(flow, critic, objective)
    use adam = new FusedAdam(flow.parameters(), 2e-3)
    let terms = HashSet<string>()
    let progress = { new System.IProgress<TrainingProgress> with member _.Report p = terms.UnionWith p.Terms.Keys }
    let options = TrainingOptions(Epochs = 6, BatchSize = 256)
    let trainer =
        Trainer(flow, adam, (fun x -> adversary.ModelLoss(x, (fun b -> -flow.LogProb(b).mean()))), options, Validation = (fun x -> -flow.LogProb(x)))
    let result = trainer.Fit(train, heldOut, progress)
    // The untrained flow's held-out negative log-likelihood is about 5.96 nats.
    Assert.True(result.ValidationLoss.[result.ValidationLoss.Count - 1] < 4.5, sprintf "held-out NLL by epoch: %A" result.ValidationLoss)
    Assert.Equal<string list>([ "adversarial"; "critic"; "nll" ], terms |> Seq.sort |> List.ofSeq)
