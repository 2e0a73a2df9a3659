"""`qitong import 12345 FILE --mapping M.json` and `qitong routing train|evaluate` (docs/routing.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from qitong.cli.context import command_context, existing

import_app = typer.Typer(help="批量导入（12345 工单）", no_args_is_help=True, add_completion=False)
routing_app = typer.Typer(help="智能分派：训练与评估分类模型", no_args_is_help=True, add_completion=False)


def _fail(e: Exception) -> typer.Exit:
    typer.echo(f"错误：{getattr(e, 'message', e)}", err=True)
    return typer.Exit(2)


@import_app.command("12345")
def import_12345(
    file: Annotated[Path, typer.Argument(help="工单文件：.xlsx / .csv / .json")],
    mapping: Annotated[Path, typer.Option(help="字段映射 JSON（源列名 → 本系统字段）")],
) -> None:
    """导入 12345 工单：按（来源, 源工单编号）去重，重复导入不重复建单；出错行给出行号与原因。"""
    from qitong.domain.errors import DomainError
    from qitong.services.tickets.channels import hotline_importer, import_hotline

    try:
        with command_context() as ctx:
            report = import_hotline(ctx, hotline_importer(), file.name, existing(file).read_bytes(),
                                    existing(mapping).read_bytes())
    except DomainError as e:
        raise _fail(e) from None
    typer.echo(f"新建 {report.created} 件，更新 {report.updated} 件，未变 {report.unchanged} 件，"
               f"出错 {len(report.errors)} 行")
    for err in report.errors:
        typer.echo(f"  第 {err['line']} 行（{err['source_id'] or '无编号'}）：{err['reason']}", err=True)
    for st in report.stale:
        typer.echo(f"  第 {st['line']} 行（{st['source_id']}）：{st['reason']}", err=True)
    if report.errors:
        raise typer.Exit(1)


@routing_app.command("train")
def train(
    data: Annotated[Path | None, typer.Option(help="CSV（label,text 两列）；不指定则用已办结工单训练")] = None,
) -> None:
    """训练分类模型（工单类型、问题分类、主办单位），保存到 QITONG_ROUTING_MODEL_PATH。"""
    from qitong.domain.errors import DomainError
    from qitong.services.auth import operator
    from qitong.services.routing import training

    try:
        with command_context() as ctx:
            labelled = training.read_csv(existing(data)) if data else training.from_db(ctx)
            meta = training.train(ctx, labelled, source=f"csv:{data.name}" if data else "tickets",
                                  who=operator().who)
    except DomainError as e:
        raise _fail(e) from None
    typer.echo(f"已训练：{meta['samples']} 条样本，分类器 {json.dumps(meta['heads'], ensure_ascii=False)}，"
               f"保存于 {ctx.settings.routing_model_path}")


@routing_app.command("evaluate")
def evaluate(
    data: Annotated[Path, typer.Option(help="CSV（label,text 两列）")],
) -> None:
    """用当前模型为 CSV 打分（不训练）：输出 macro_f1 与 accuracy。"""
    from qitong.domain.errors import DomainError
    from qitong.services.routing import training

    try:
        with command_context() as ctx:
            rows = training.read_csv(existing(data))
            f1, acc, _n = training.evaluate(ctx, rows)
            unknown = training.unknown_labels(ctx, rows)
    except DomainError as e:
        raise _fail(e) from None
    if unknown:
        typer.echo(f"注意：评估数据中有 {len(unknown)} 个类别是模型训练时没有的（{'、'.join(unknown[:10])}），"
                   "这些样本必然判错；请确认模型是用同一套类别训练的", err=True)
    typer.echo(f"macro_f1={f1:.3f} accuracy={acc:.3f}")
