#include "helper/rewriter.h"

#include <wabt/cast.h>
#include <wabt/ir.h>

#include <algorithm>
#include <memory>

#include "wasm/abi.h"

namespace wsn::wasm {
namespace {

using wabt::Expr;
using wabt::ExprList;
using wabt::ExprType;
using wabt::Index;
using wabt::Opcode;

wabt::Var var(Index i) {
  return wabt::Var(i, wabt::Location());
}

// Upper bound of the operand stack height of a function body (exact for reachable code).
class StackHeight {
 public:
  explicit StackHeight(const wabt::Module& m) : m_(m) {}

  int64_t max_of(const ExprList& body) {
    max_ = 0;
    int64_t h = 0;
    walk(body, h);
    return max_;
  }

 private:
  const wabt::FuncSignature* block_sig(const wabt::BlockDeclaration& d) const {
    if (d.has_func_type) {
      if (const wabt::FuncType* t = m_.GetFuncType(d.type_var)) return &t->sig;
    }
    return &d.sig;
  }
  void add(int64_t& h, int64_t delta) {
    h = std::max<int64_t>(0, h + delta);
    max_ = std::max(max_, h);
  }
  void block(const wabt::Block& b, int64_t& h) {
    const wabt::FuncSignature* s = block_sig(b.decl);
    int64_t inner = h;
    walk(b.exprs, inner);
    add(h, static_cast<int64_t>(s->GetNumResults()) - static_cast<int64_t>(s->GetNumParams()));
  }
  void walk(const ExprList& list, int64_t& h) {
    for (const Expr& e : list) {
      switch (e.type()) {
        case ExprType::Binary:
        case ExprType::Compare:
          add(h, -1);
          break;
        case ExprType::Store:
          add(h, -2);
          break;
        case ExprType::Const:
        case ExprType::LocalGet:
        case ExprType::GlobalGet:
        case ExprType::MemorySize:
          add(h, 1);
          break;
        case ExprType::LocalSet:
        case ExprType::GlobalSet:
        case ExprType::Drop:
        case ExprType::BrIf:
          add(h, -1);
          break;
        case ExprType::Select:
          add(h, -2);
          break;
        case ExprType::MemoryFill:
        case ExprType::MemoryCopy:
        case ExprType::MemoryInit:
        case ExprType::TableInit:
        case ExprType::TableCopy:
          add(h, -3);
          break;
        case ExprType::Call: {
          const wabt::Func* f = m_.GetFunc(wabt::cast<wabt::CallExpr>(&e)->var);
          if (f) {
            add(h,
                static_cast<int64_t>(f->GetNumResults()) - static_cast<int64_t>(f->GetNumParams()));
          }
          break;
        }
        case ExprType::CallIndirect: {
          const auto* c = wabt::cast<wabt::CallIndirectExpr>(&e);
          const wabt::FuncSignature* s = block_sig(c->decl);
          add(h, static_cast<int64_t>(s->GetNumResults()) -
                     static_cast<int64_t>(s->GetNumParams()) - 1);
          break;
        }
        case ExprType::Block:
          block(wabt::cast<wabt::BlockExpr>(&e)->block, h);
          break;
        case ExprType::Loop:
          block(wabt::cast<wabt::LoopExpr>(&e)->block, h);
          break;
        case ExprType::If: {
          const auto* i = wabt::cast<wabt::IfExpr>(&e);
          add(h, -1);
          const wabt::FuncSignature* s = block_sig(i->true_.decl);
          int64_t a = h, b = h;
          walk(i->true_.exprs, a);
          walk(i->false_, b);
          add(h,
              static_cast<int64_t>(s->GetNumResults()) - static_cast<int64_t>(s->GetNumParams()));
          break;
        }
        case ExprType::Br:
        case ExprType::BrTable:
        case ExprType::Return:
        case ExprType::Unreachable:
          return;  // the rest of this block is unreachable
        default:
          break;  // unary, convert, load, tee, grow, nop, drops of segments: no net change
      }
    }
  }

  const wabt::Module& m_;
  int64_t max_ = 0;
};

// Rewrites one function. Fuel lives in a local inside the function (a register in the
// compiled tier, so tight loops pay no memory round trip per iteration) and is written back
// to the exported global before every call, before a fuel trap and on exit, so the host and
// callees always see the exact value. Exits are funnelled through one wrapper block: `return`
// becomes a branch to it, and branches to the function's own label land on it unchanged.
class FuncRewriter {
 public:
  FuncRewriter(wabt::Func& f, Index fuel_global, Index depth_global, Index checkpoint_global,
               Index deadline_func, Index saved, Index tmp, Index fuel_local,
               wabt::BlockDeclaration wrapper_decl)
      : f_(f),
        fuel_(fuel_global),
        depth_(depth_global),
        checkpoint_(checkpoint_global),
        deadline_(deadline_func),
        saved_(saved),
        tmp_(tmp),
        local_(fuel_local),
        wrapper_decl_(std::move(wrapper_decl)) {}

  void run(uint32_t weight, uint32_t depth_limit) {
    walk(f_.exprs, Kind::kFunction, 0);
    auto wrapper = std::make_unique<wabt::BlockExpr>();
    wrapper->block.decl = wrapper_decl_;
    wrapper->block.exprs.splice(wrapper->block.exprs.begin(), f_.exprs);
    ExprList body;
    // Depth prologue.
    body.push_back(std::make_unique<wabt::GlobalGetExpr>(var(depth_)));
    body.push_back(std::make_unique<wabt::ConstExpr>(wabt::Const::I32(weight)));
    body.push_back(std::make_unique<wabt::BinaryExpr>(Opcode::I32Add));
    body.push_back(std::make_unique<wabt::GlobalSetExpr>(var(depth_)));
    body.push_back(std::make_unique<wabt::GlobalGetExpr>(var(depth_)));
    body.push_back(std::make_unique<wabt::ConstExpr>(wabt::Const::I32(depth_limit)));
    body.push_back(std::make_unique<wabt::CompareExpr>(Opcode::I32GtU));
    body.push_back(trap_if(/*write_back=*/false));
    // Fuel into the local, the original body, fuel back out.
    body.push_back(std::make_unique<wabt::GlobalGetExpr>(var(fuel_)));
    body.push_back(std::make_unique<wabt::LocalSetExpr>(var(local_)));
    body.push_back(std::move(wrapper));
    write_back(body);
    f_.exprs.splice(f_.exprs.begin(), body);
  }

 private:
  enum class Kind { kFunction, kLoop, kPlain };

  void write_back(ExprList& out) {
    out.push_back(std::make_unique<wabt::LocalGetExpr>(var(local_)));
    out.push_back(std::make_unique<wabt::GlobalSetExpr>(var(fuel_)));
  }
  void reload(ExprList& out) {
    out.push_back(std::make_unique<wabt::GlobalGetExpr>(var(fuel_)));
    out.push_back(std::make_unique<wabt::LocalSetExpr>(var(local_)));
  }
  // `if (cond) { [fuel -> global;] unreachable }`
  std::unique_ptr<Expr> trap_if(bool write_fuel) {
    auto i = std::make_unique<wabt::IfExpr>();
    if (write_fuel) write_back(i->true_.exprs);
    i->true_.exprs.push_back(std::make_unique<wabt::UnreachableExpr>());
    return i;
  }
  void charge(ExprList& out, int64_t cost) {
    out.push_back(std::make_unique<wabt::LocalGetExpr>(var(local_)));
    out.push_back(std::make_unique<wabt::ConstExpr>(wabt::Const::I64(static_cast<uint64_t>(cost))));
    out.push_back(std::make_unique<wabt::BinaryExpr>(Opcode::I64Sub));
    out.push_back(std::make_unique<wabt::LocalSetExpr>(var(local_)));
  }
  // `if (fuel < checkpoint) { if (fuel < 0) trap; deadline check }`: the checkpoint is never
  // negative, so the common path is one compare, as a plain fuel check would be.
  void check(ExprList& out) {
    out.push_back(std::make_unique<wabt::LocalGetExpr>(var(local_)));
    out.push_back(std::make_unique<wabt::GlobalGetExpr>(var(checkpoint_)));
    out.push_back(std::make_unique<wabt::CompareExpr>(Opcode::I64LtS));
    auto slow = std::make_unique<wabt::IfExpr>();
    ExprList& body = slow->true_.exprs;
    body.push_back(std::make_unique<wabt::LocalGetExpr>(var(local_)));
    body.push_back(std::make_unique<wabt::ConstExpr>(wabt::Const::I64(0)));
    body.push_back(std::make_unique<wabt::CompareExpr>(Opcode::I64LtS));
    body.push_back(trap_if(/*write_fuel=*/true));
    write_back(body);
    body.push_back(std::make_unique<wabt::LocalGetExpr>(var(local_)));
    body.push_back(std::make_unique<wabt::CallExpr>(var(deadline_)));
    body.push_back(std::make_unique<wabt::GlobalSetExpr>(var(checkpoint_)));
    out.push_back(std::move(slow));
  }
  // Charges the i32 operand on top of the stack (kept there): pages * kFuelPerGrowPage for
  // memory.grow, bytes >> kFuelBulkShift for bulk operations; then checks.
  void dynamic_charge(ExprList& out, bool per_page) {
    out.push_back(std::make_unique<wabt::LocalTeeExpr>(var(tmp_)));
    out.push_back(std::make_unique<wabt::LocalGetExpr>(var(local_)));
    out.push_back(std::make_unique<wabt::LocalGetExpr>(var(tmp_)));
    out.push_back(std::make_unique<wabt::ConvertExpr>(Opcode::I64ExtendI32U));
    if (per_page) {
      out.push_back(std::make_unique<wabt::ConstExpr>(wabt::Const::I64(kFuelPerGrowPage)));
      out.push_back(std::make_unique<wabt::BinaryExpr>(Opcode::I64Mul));
    } else {
      out.push_back(std::make_unique<wabt::ConstExpr>(wabt::Const::I64(kFuelBulkShift)));
      out.push_back(std::make_unique<wabt::BinaryExpr>(Opcode::I64ShrU));
    }
    out.push_back(std::make_unique<wabt::BinaryExpr>(Opcode::I64Sub));
    out.push_back(std::make_unique<wabt::LocalSetExpr>(var(local_)));
    check(out);
  }

  // `depth`: how many blocks enclose `list` inside the wrapper block (0 for the body).
  void walk(ExprList& list, Kind kind, Index depth) {
    auto seg_start = list.begin();
    int64_t cost = 0;
    bool need_check = kind != Kind::kPlain;
    auto flush = [&](ExprList::iterator at) {
      if (cost == 0 && !need_check) return;
      ExprList ins;
      if (cost) charge(ins, cost);
      if (need_check) check(ins);
      list.splice(at, ins);
      cost = 0;
      need_check = false;
    };
    for (auto it = list.begin(); it != list.end(); ++it) {
      ++cost;
      bool ends_segment = false;
      switch (it->type()) {
        case ExprType::Block:
          walk(wabt::cast<wabt::BlockExpr>(&*it)->block.exprs, Kind::kPlain, depth + 1);
          ends_segment = true;
          break;
        case ExprType::Loop:
          walk(wabt::cast<wabt::LoopExpr>(&*it)->block.exprs, Kind::kLoop, depth + 1);
          ends_segment = true;
          break;
        case ExprType::If: {
          auto* i = wabt::cast<wabt::IfExpr>(&*it);
          walk(i->true_.exprs, Kind::kPlain, depth + 1);
          walk(i->false_, Kind::kPlain, depth + 1);
          ends_segment = true;
          break;
        }
        case ExprType::Return: {
          // Leave through the wrapper block, which writes the fuel back.
          const bool first = it == seg_start;
          it = list.erase(it);
          it = list.insert(it, std::make_unique<wabt::BrExpr>(var(depth)));
          if (first) seg_start = it;
          break;
        }
        // Branches do not end a segment: the code after them up to the next block boundary
        // is charged with the code before (an over-charge when the branch is taken). One
        // charge per loop iteration instead of one per branch keeps tight loops cheap.
        case ExprType::Call:
        case ExprType::CallIndirect: {
          ExprList pre;
          pre.push_back(std::make_unique<wabt::GlobalGetExpr>(var(depth_)));
          pre.push_back(std::make_unique<wabt::LocalSetExpr>(var(saved_)));
          write_back(pre);
          list.splice(it, pre);
          ExprList post;
          post.push_back(std::make_unique<wabt::LocalGetExpr>(var(saved_)));
          post.push_back(std::make_unique<wabt::GlobalSetExpr>(var(depth_)));
          reload(post);
          list.splice(std::next(it), post);
          for (int k = 0; k < 4; ++k) ++it;  // onto the last inserted instruction
          break;
        }
        case ExprType::MemoryGrow: {
          ExprList pre;
          dynamic_charge(pre, /*per_page=*/true);
          list.splice(it, pre);
          break;
        }
        case ExprType::MemoryFill:
        case ExprType::MemoryCopy:
        case ExprType::MemoryInit:
        case ExprType::TableInit:
        case ExprType::TableCopy: {
          ExprList pre;
          dynamic_charge(pre, /*per_page=*/false);
          list.splice(it, pre);
          break;
        }
        default:
          break;
      }
      if (ends_segment) {
        flush(seg_start);
        seg_start = std::next(it);
      }
    }
    flush(seg_start);
  }

  wabt::Func& f_;
  Index fuel_, depth_, checkpoint_, deadline_, saved_, tmp_, local_;
  wabt::BlockDeclaration wrapper_decl_;
};

// The index of the function type `sig`, added to the module if it has none.
Index func_type(wabt::Module& m, const wabt::FuncSignature& sig) {
  const Index found = m.GetFuncTypeIndex(sig);
  if (found != wabt::kInvalidIndex) return found;
  auto field = std::make_unique<wabt::TypeModuleField>();
  auto ft = std::make_unique<wabt::FuncType>();
  ft->sig = sig;
  field->type = std::move(ft);
  const Index added = static_cast<Index>(m.types.size());
  m.AppendField(std::move(field));
  return added;
}

// Calls `fn` on every function-index Var in `list`, nested blocks included.
template <typename Fn>
void for_each_func_ref(ExprList& list, Fn&& fn) {
  for (Expr& e : list) {
    switch (e.type()) {
      case ExprType::Call:
        fn(wabt::cast<wabt::CallExpr>(&e)->var);
        break;
      case ExprType::ReturnCall:
        fn(wabt::cast<wabt::ReturnCallExpr>(&e)->var);
        break;
      case ExprType::RefFunc:
        fn(wabt::cast<wabt::RefFuncExpr>(&e)->var);
        break;
      case ExprType::Block:
        for_each_func_ref(wabt::cast<wabt::BlockExpr>(&e)->block.exprs, fn);
        break;
      case ExprType::Loop:
        for_each_func_ref(wabt::cast<wabt::LoopExpr>(&e)->block.exprs, fn);
        break;
      case ExprType::If: {
        auto* i = wabt::cast<wabt::IfExpr>(&e);
        for_each_func_ref(i->true_.exprs, fn);
        for_each_func_ref(i->false_, fn);
        break;
      }
      default:
        break;
    }
  }
}

// Adds the host's deadline import `wsn.wsn_host_deadline: (i64 fuel) -> (i64 checkpoint)` after the module's own
// function imports and returns its index. Imported functions come first in the index space,
// so every reference to a defined function (calls, table elements, exports, start) moves up
// by one.
Index add_deadline_import(wabt::Module& m) {
  const Index at = m.num_func_imports;
  auto bump = [at](wabt::Var& v) {
    if (v.is_index() && v.index() >= at) v.set_index(v.index() + 1);
  };
  for (Index i = at; i < m.funcs.size(); ++i) for_each_func_ref(m.funcs[i]->exprs, bump);
  for (wabt::Global* g : m.globals) for_each_func_ref(g->init_expr, bump);
  for (wabt::ElemSegment* seg : m.elem_segments) {
    for_each_func_ref(seg->offset, bump);
    for (ExprList& e : seg->elem_exprs) for_each_func_ref(e, bump);
  }
  for (wabt::Export* e : m.exports) {
    if (e->kind == wabt::ExternalKind::Func) bump(e->var);
  }
  for (wabt::Var* v : m.starts) bump(*v);
  for (auto& [name, binding] : m.func_bindings) {
    if (binding.index >= at) ++binding.index;
  }

  wabt::FuncSignature sig;
  sig.param_types = {wabt::Type::I64};
  sig.result_types = {wabt::Type::I64};
  const Index type = func_type(m, sig);
  auto import = std::make_unique<wabt::FuncImport>();
  import->module_name = WSN_IMPORT_MODULE;
  import->field_name = std::string(kDeadlineImport);
  import->func.decl.has_func_type = true;
  import->func.decl.type_var = var(type);
  import->func.decl.sig = sig;
  wabt::Func* func = &import->func;
  auto field = std::make_unique<wabt::ImportModuleField>();
  field->import = std::move(import);
  // By hand rather than Module::AppendField, which would put the function after the
  // module's own ones.
  m.imports.push_back(field->import.get());
  m.funcs.insert(m.funcs.begin() + at, func);
  ++m.num_func_imports;
  m.fields.push_back(std::move(field));
  return at;
}

}  // namespace

Status rewrite_module(wabt::Module& m, const RewriteOptions& o) {
  if (m.memories.size() != 1) return Error{"module must define exactly one memory"};
  wabt::Limits& lim = m.memories[0]->page_limits;
  if (lim.initial > o.memory_pages_cap) {
    return Error{"memory starts at " + std::to_string(lim.initial) + " pages, above the cap of " +
                 std::to_string(o.memory_pages_cap)};
  }
  if (!lim.has_max || lim.max > o.memory_pages_cap) {
    lim.max = o.memory_pages_cap;
    lim.has_max = true;
  }

  for (const wabt::Export* e : m.exports) {
    if (e->name == kFuelExport || e->name == kDepthExport || e->name == kCheckpointExport) {
      return Error{"export '" + e->name + "' is reserved for the host"};
    }
  }

  // Frame weights are computed on the original code.
  StackHeight heights(m);
  std::vector<uint32_t> weights;
  for (Index i = m.num_func_imports; i < m.funcs.size(); ++i) {
    const wabt::Func& f = *m.funcs[i];
    const int64_t slots = static_cast<int64_t>(f.GetNumParamsAndLocals()) + heights.max_of(f.exprs);
    weights.push_back(
        static_cast<uint32_t>(std::min<int64_t>(1 + slots / kFrameWeightSlots, o.depth_limit + 1)));
  }

  const Index fuel = static_cast<Index>(m.globals.size());
  {
    auto g = std::make_unique<wabt::GlobalModuleField>();
    g->global.type = wabt::Type::I64;
    g->global.mutable_ = true;
    g->global.init_expr.push_back(
        std::make_unique<wabt::ConstExpr>(wabt::Const::I64(static_cast<uint64_t>(o.initial_fuel))));
    m.AppendField(std::move(g));
  }
  const Index depth = static_cast<Index>(m.globals.size());
  {
    auto g = std::make_unique<wabt::GlobalModuleField>();
    g->global.type = wabt::Type::I32;
    g->global.mutable_ = true;
    g->global.init_expr.push_back(std::make_unique<wabt::ConstExpr>(wabt::Const::I32(0)));
    m.AppendField(std::move(g));
  }
  const Index checkpoint = static_cast<Index>(m.globals.size());
  {
    auto g = std::make_unique<wabt::GlobalModuleField>();
    g->global.type = wabt::Type::I64;
    g->global.mutable_ = true;
    g->global.init_expr.push_back(std::make_unique<wabt::ConstExpr>(
        wabt::Const::I64(static_cast<uint64_t>(next_checkpoint(o.initial_fuel)))));
    m.AppendField(std::move(g));
  }
  auto add_export = [&](std::string_view name, Index g) {
    auto e = std::make_unique<wabt::ExportModuleField>();
    e->export_.name = std::string(name);
    e->export_.kind = wabt::ExternalKind::Global;
    e->export_.var = var(g);
    m.AppendField(std::move(e));
  };
  add_export(kFuelExport, fuel);
  add_export(kDepthExport, depth);
  add_export(kCheckpointExport, checkpoint);
  const Index deadline = add_deadline_import(m);

  for (Index i = m.num_func_imports; i < m.funcs.size(); ++i) {
    wabt::Func& f = *m.funcs[i];
    // The exit wrapper block has the function's results and no parameters.
    wabt::BlockDeclaration wrapper;
    wrapper.sig.result_types = f.decl.sig.result_types;
    if (wrapper.sig.GetNumResults() > 1) {
      wabt::FuncSignature sig;
      sig.result_types = f.decl.sig.result_types;
      wrapper.has_func_type = true;
      wrapper.type_var = var(func_type(m, sig));
    }
    const Index saved = f.GetNumParamsAndLocals();
    f.local_types.AppendDecl(wabt::Type::I32, 2);  // saved depth, operand scratch
    f.local_types.AppendDecl(wabt::Type::I64, 1);  // fuel
    FuncRewriter(f, fuel, depth, checkpoint, deadline, saved, saved + 1, saved + 2,
                 std::move(wrapper))
        .run(weights[i - m.num_func_imports], o.depth_limit);
  }
  return {};
}

}  // namespace wsn::wasm
