/// A class-conditional DCGAN on the 8x8 digits (embedded, no download), written in F#: the image GAN spec, the
/// trainer's rounds in an F# loop, one sample row per class, and a classifier of the same digits as the judge.
module Gen.Examples.FSharp.DigitsGan

open System
open System.IO
open Gen
open Gen.Data
open Gen.Dsl
open Gen.Optimization
open Gen.Plots
open TorchSharp

/// What a run measured and wrote.
type Result =
    { ShareOfAskedClass: float
      FrechetDistance: float
      FloorDistance: float
      Seconds: float
      Pictures: string list }

/// Trains the GAN for `rounds` rounds and writes its samples and losses to `outDir`.
let run (rounds: int) (seed: int64) (device: torch.Device) (outDir: string) (log: TextWriter) =
    Seed.Everything seed
    let digits = Digits.Load device
    let images = digits.Images.reshape(-1L, 1L, 8L, 8L).to_type(torch.float32) / float32 Digits.MaxValue
    let split = DataSplit.Shuffled(torch.arange(images.shape.[0], device = device), 0.25, seed = seed)
    let train, test = images.index_select(0L, split.Train), images.index_select(0L, split.Test)
    let trainLabels = digits.Labels.index_select(0L, split.Train)

    // 16 → [32, 2, 2] → [16, 4, 4] → [1, 8, 8], and back to one logit plus one per class.
    let spec = Adversarial.DcGan(16, 1, 8, 8, filters = 16).WithSpectralNorm().WithClasses(10)
    log.WriteLine(spec.ToString())
    use model = spec.Compile(device, seed = seed)
    model.CheckValues <- false
    use generatorOptimizer = new FusedAdam(model.GeneratorParameters(), 1e-3, 0.5, 0.999)
    use discriminatorOptimizer = new FusedAdam(model.DiscriminatorParameters(), 1e-3, 0.5, 0.999)
    use trainer = new GanTrainer(model, Objective.Hinge, 1, generatorOptimizer, discriminatorOptimizer)
    let draws = Seed.Generator(seed + 2L)
    let data = train * 2.0f - 1.0f
    let critic = Series "critic loss"
    let generator = Series "generator loss"
    let clock = Diagnostics.Stopwatch.StartNew()
    let next () =
        let index = DeviceRandom.Integers(data.shape.[0], [| 64L |], device, draws)
        GanBatch(data.index_select(0L, index), trainLabels.index_select(0L, index))
    for round in 1 .. rounds do
        use scope = torch.NewDisposeScope()
        let losses = trainer.Step(Func<GanBatch>(next), draws)
        if round % 10 = 0 || round = rounds then
            critic.Add(float round, losses.DiscriminatorLoss)
            generator.Add(float round, losses.GeneratorLoss)
        if round % 200 = 0 || round = rounds then
            log.WriteLine(sprintf "round %d/%d  critic %.3f  generator %.3f  (%.0f s)" round rounds losses.DiscriminatorLoss losses.GeneratorLoss clock.Elapsed.TotalSeconds)

    // Ten samples of each class, one row per class, mapped back to [0, 1].
    model.eval ()
    let asked = torch.arange(10L, dtype = torch.int64, device = device).repeat_interleave(10L)
    let samples = ((model.SampleGiven(asked, Seed.Generator(seed + 3L)) + 1.0f) / 2.0f).clamp((0.0f).ToScalar(), (1.0f).ToScalar()).reshape(100L, 64L)
    use judge = ClassifierFeatures.Train(train.flatten(1L), trainLabels, 10, "the 8x8 digits", seed = seed + 1L, epochs = 30, hidden = 64, features = 32)
    let real = judge.Features(test.flatten(1L))
    let grid = ImageGridOptions.Default.WithSide(8).WithScale(4).WithColumns(10)
    let curves = TrainingCurves.Render([| critic; generator |], CurveOptions.Default.WithLabels("round", "loss").WithTitle "conditional DCGAN on the 8x8 digits (F#)")
    let pictures =
        [ ImageGrid.Render(samples.cpu(), grid).Save(Path.Combine(outDir, "gan-samples.png"))
          curves.Save(Path.Combine(outDir, "gan-curve.png")) ]
    { ShareOfAskedClass = judge.Accuracy(samples, asked)
      FrechetDistance = FrechetDistance.Between(judge.Features(samples), real)
      FloorDistance = FrechetDistance.Between(judge.Features(train.flatten(1L)), real)
      Seconds = clock.Elapsed.TotalSeconds
      Pictures = pictures }
