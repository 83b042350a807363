"""The ``motorobs`` command line (Typer).

Commands: ``analyze`` (videos or folders -> landmarks, metrics, reports), ``info``
(versions and where the models are), ``metrics`` (every metric with its unit and definition).
User mistakes give a one-line message naming the file and the fix, never a traceback.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

import motorobs
from motorobs._logging import log_to_file, logger, native_stderr_to
from motorobs.config import CAMERA_POSITIONS, AnalysisConfig
from motorobs.errors import MotorobsError

app = typer.Typer(
    help="motorobs: infant motor observation from caregiver videos (a screening aid for "
    "therapists, not a diagnosis).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
CameraPosition = Enum("CameraPosition", {name: name for name in CAMERA_POSITIONS}, type=str)
"""``--camera`` choices (:data:`motorobs.config.CAMERA_POSITIONS`)."""
CameraOption = Annotated[
    CameraPosition,
    typer.Option(
        "--camera",
        help="Where the camera was: 'auto' reads it from the video; 'above' the baby "
        "lying down; 'level' at the baby's height, in front or at the side (needed to "
        "recognise a baby sitting face-on to the camera).",
    ),
]
err = Console(stderr=True)
out = Console()


def _version_callback(value: bool) -> None:
    if value:
        out.print(f"motorobs {motorobs.__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version_callback, is_eager=True,
                     help="Print the version and exit."),
    ] = False,
) -> None:
    """motorobs: landmarks, motor metrics and reports from infant videos."""


ModelDirOption = Annotated[
    Path | None,
    typer.Option(
        "--model-dir",
        help="Folder with the MediaPipe .task bundles (default: $MOTOROBS_MODEL_DIR, then the "
        "user cache, filled by downloading on first use).",
        file_okay=False,
    ),
]


@app.command()
def analyze(
    inputs: Annotated[
        list[Path],
        typer.Argument(help="Video files (mp4, mov, m4v, avi, mkv, webm) or folders of videos."),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder for the results.")
    ] = Path("results"),
    model_dir: ModelDirOption = None,
    fps: Annotated[
        float | None,
        typer.Option(
            "--fps",
            help="Analyse at most this many frames per second (default 15; 0 = every frame).",
            min=0,
        ),
    ] = None,
    blur_faces: Annotated[
        bool,
        typer.Option(
            "--blur-faces/--no-blur-faces",
            help="Blur faces in the images written into reports (on by default: health data).",
        ),
    ] = True,
    recompute: Annotated[
        bool,
        typer.Option("--recompute", help="Run landmark estimation again even if saved."),
    ] = False,
    camera: CameraOption = CameraPosition.auto,
) -> None:
    """Analyse videos: writes, per clip, landmarks.parquet, metrics.json, events.csv and
    report.html into OUTPUT/<clip>/, plus OUTPUT/summary.csv and OUTPUT/index.html."""
    from motorobs.pipeline import analyze_many

    videos, failures = _collect_videos(inputs)
    pose = {"model_dir": model_dir}
    if fps is not None:
        pose["analysis_fps"] = fps or None
    config = AnalysisConfig().with_overrides(pose=pose, report={"blur_faces": blur_faces},
                                             signals={"camera": camera.value})
    with _user_errors_logged_to(output) as console:
        for _name, message in failures:
            logger.error("%s", message)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        ) as bar:
            clips = bar.add_task("clips", total=len(videos))
            frames = bar.add_task("frames", total=None)

            def on_clip_start(video: Path, n: int) -> None:
                bar.update(clips, completed=n)
                bar.reset(frames, total=None, description=f"  {video.name}")

            def on_frames(done: int, total: int) -> None:
                bar.update(frames, completed=done, total=total)

            batch = analyze_many(
                videos,
                output,
                config,
                on_clip_start=on_clip_start,
                progress=on_frames,
                reuse_landmarks=not recompute,
                extra_failures=failures,
            )
            bar.update(clips, completed=len(videos))
    for _name, message in batch.failures:
        err.print(f"[red]failed:[/red] {message}", highlight=False, soft_wrap=True)
    n_ok = len(batch.results)
    out.print(
        f"{n_ok} of {n_ok + len(batch.failures)} clip(s) analysed; "
        f"open {output / 'index.html'}",
        highlight=False,
        soft_wrap=True,
    )
    if batch.failures:
        raise typer.Exit(1)


@contextmanager
def _user_errors_logged_to(output: Path) -> Iterator[Console]:
    """Log into ``output/run.log`` (MediaPipe's own messages too); a user mistake becomes
    one ``error:`` line and exit 2. Yields the console for progress bars."""
    output.mkdir(parents=True, exist_ok=True)
    with log_to_file(output / "run.log"), native_stderr_to(output / "run.log") as stream:
        console = Console(file=stream) if stream is not sys.stderr else err
        try:
            yield console
        except (MotorobsError, ValueError, FileNotFoundError) as exc:
            logger.error("%s", exc)
            console.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None


def _collect_videos(inputs: list[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand folders into their videos; missing paths and empty folders become failures."""
    from motorobs.io.video import VIDEO_SUFFIXES, find_videos

    videos: list[Path] = []
    failures: list[tuple[str, str]] = []
    for path in inputs:
        if path.is_dir():
            found = find_videos(path)
            if not found:
                failures.append(
                    (path.name, f"{path}: no videos in this folder (looked for "
                     f"{', '.join(VIDEO_SUFFIXES)}).")
                )
            videos.extend(found)
        elif path.exists():
            videos.append(path)
        else:
            failures.append(
                (path.name, f"{path}: no such file or folder; check the path and try again.")
            )
    return videos, failures


@app.command()
def info(model_dir: ModelDirOption = None) -> None:
    """Versions, and where the MediaPipe models are looked for and whether they are there."""
    import cv2
    import mediapipe
    import numpy
    import pandas
    import xarray

    from motorobs.pose.models import model_status

    table = Table(title="motorobs", show_header=False)
    for name, version in [
        ("motorobs", motorobs.__version__),
        ("python", platform.python_version()),
        ("mediapipe", mediapipe.__version__),
        ("opencv", cv2.__version__),
        ("numpy", numpy.__version__),
        ("pandas", pandas.__version__),
        ("xarray", xarray.__version__),
    ]:
        table.add_row(name, version)
    out.print(table)
    missing = False
    for status in model_status(model_dir):
        usable = status["found"] and status["valid"]
        missing |= not usable
        state = "ok" if usable else f"[red]{status.get('problem') or 'missing'}[/red]"
        out.print(
            f"{status['name']}: {state}\n  looked in ({status['origin']}): {status['folder']}",
            highlight=False,
            soft_wrap=True,
        )
    if missing:
        out.print(
            "Missing bundles are downloaded into the user cache on the first `motorobs analyze` "
            "(needs internet), or put them in a folder and pass --model-dir or set "
            "MOTOROBS_MODEL_DIR."
        )


@app.command()
def metrics() -> None:
    """List every metric motorobs computes, with its unit and definition."""
    from motorobs.metrics import metric_catalogue

    for row in metric_catalogue().itertuples():
        per_hand = ", per hand" if row.per_side else ""
        out.print(
            f"[bold]{row.metric}[/bold] ({row.unit}{per_hand}; postures: {row.postures}; "
            f"views: {row.views})\n  {row.definition}\n",
            highlight=False,
            soft_wrap=True,
        )


@app.command()
def validate(
    folder: Annotated[
        Path,
        typer.Argument(help="Folder of clips with ground-truth files (<clip>.events.json).",
                       exists=True, file_okay=False),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder for results and scores.")
    ] = Path("validation"),
    model_dir: ModelDirOption = None,
    camera: CameraOption = CameraPosition.auto,
) -> None:
    """Score motorobs against ground truth: event precision, recall and F1 per event type,
    onset error (s), head-lift angle error (degrees), hand-aperture error and posture
    agreement."""
    import json

    from motorobs.validation import validate_folder

    config = AnalysisConfig().with_overrides(pose={"model_dir": model_dir},
                                             signals={"camera": camera.value})
    with _user_errors_logged_to(output):
        scores, events, angles = validate_folder(folder, output, config)
    table = Table(title="events")
    for column in scores.columns:
        table.add_column(column)
    for row in scores.itertuples(index=False):
        table.add_row(*[f"{v:.3g}" if isinstance(v, float) else str(v) for v in row])
    out.print(table)
    measured = angles.dropna(axis=0, how="all", subset=angles.columns.drop("clip"))
    if not measured.empty:
        out.print("per clip (posture agreement; head-lift angle error, degrees; hand aperture: "
                  "share of frames seen, error in palm lengths):\n"
                  + measured.to_string(index=False), soft_wrap=True)
    pooled = json.loads((output / "validation.json").read_text())["angle_pooled"]
    if pooled.get("frames"):
        out.print(f"head-lift angle over {pooled['frames']} frames of {pooled['clips']} clips: "
                  f"median absolute error {pooled['median_abs_error_deg']:.1f} degrees")
    by_clip = events[events["outcome"].isin(["matched", "spurious"])].groupby("clip").size()
    out.print(f"detected events per clip:\n{by_clip.to_string()}" if len(by_clip) else
              "no events detected")
    out.print(f"scores written to {output}")


@app.command("eval-pose")
def eval_pose(
    coco: Annotated[
        Path | None,
        typer.Option("--coco", help="COCO keypoint JSON (or a folder of them), e.g. SyRIP's."),
    ] = None,
    images: Annotated[
        Path | None,
        typer.Option("--images", help="Folder of the images named in --coco.", file_okay=False),
    ] = None,
    labelme: Annotated[
        Path | None,
        typer.Option("--labelme", help="Folder of labelme point files (NYCU 22-label format).",
                     file_okay=False),
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the figures to this JSON file.")
    ] = None,
    model_dir: ModelDirOption = None,
) -> None:
    """Landmark accuracy on annotated infant images (PCK of torso size), motorobs' estimator
    next to plain MediaPipe; see docs/accuracy.md."""
    from motorobs.pose.evaluation import eval_pose_command

    status = eval_pose_command(coco, images, labelme, json_out, model_dir)
    if status:
        raise typer.Exit(status)
