

module slotproof_card_top(clock,awvalid,awready,awaddr,wvalid,wready,wdata,wstrb,bvalid,bready,bresp,arvalid,arready,araddr,rvalid,rready,rdata,rresp,irq);
    
    // Module arguments
    input wire  clock;
    input wire  awvalid;
    output reg  awready;
    input wire  [7:0] awaddr;
    input wire  wvalid;
    output reg  wready;
    input wire  [31:0] wdata;
    input wire  [3:0] wstrb;
    output reg  bvalid;
    input wire  bready;
    output reg  [1:0] bresp;
    input wire  arvalid;
    output reg  arready;
    input wire  [7:0] araddr;
    output reg  rvalid;
    input wire  rready;
    output reg  [31:0] rdata;
    output reg  [1:0] rresp;
    output reg  irq;
    
    // Constant declarations
    localparam  unsupported = 8'h2;
    localparam  header_word = 4'h0;
    
    // Stub signals
    reg  regs$clock;
    reg  regs$awvalid;
    wire  regs$awready;
    reg  [7:0] regs$awaddr;
    reg  regs$wvalid;
    wire  regs$wready;
    reg  [31:0] regs$wdata;
    reg  [3:0] regs$wstrb;
    wire  regs$bvalid;
    reg  regs$bready;
    wire  [1:0] regs$bresp;
    reg  regs$arvalid;
    wire  regs$arready;
    reg  [7:0] regs$araddr;
    wire  regs$rvalid;
    reg  regs$rready;
    wire  [31:0] regs$rdata;
    wire  [1:0] regs$rresp;
    wire  regs$doorbell;
    wire  [31:0] regs$doorbell_value;
    wire  [31:0] regs$desc$0;
    wire  [31:0] regs$desc$1;
    wire  [31:0] regs$desc$2;
    wire  [31:0] regs$desc$3;
    wire  [31:0] regs$desc$4;
    wire  [31:0] regs$desc$5;
    wire  [31:0] regs$desc$6;
    wire  [31:0] regs$desc$7;
    wire  [31:0] regs$desc$8;
    wire  [31:0] regs$desc$9;
    wire  [31:0] regs$desc$10;
    wire  [31:0] regs$desc$11;
    wire  [31:0] regs$desc$12;
    wire  [31:0] regs$desc$13;
    wire  [31:0] regs$desc$14;
    wire  [31:0] regs$desc$15;
    wire  regs$soft_reset;
    reg  regs$busy;
    reg  regs$done;
    reg  regs$error;
    reg  [7:0] regs$error_code;
    reg  [3:0] regs$error_word;
    reg  [31:0] regs$completed_seq;
    reg  [31:0] regs$payload_crc;
    reg  [31:0] regs$result_crc;
    reg  [31:0] regs$result_len;
    reg  regs$tables_loaded;
    reg  [3:0] regs$tables_field;
    wire  regs$irq;
    reg  admission$clock;
    reg  admission$valid_in;
    reg  [31:0] admission$header;
    reg  [31:0] admission$seq;
    reg  [63:0] admission$src;
    reg  [63:0] admission$dst;
    reg  [63:0] admission$aux;
    reg  [31:0] admission$shape;
    reg  [31:0] admission$count;
    reg  [31:0] admission$src_len;
    reg  [31:0] admission$w12;
    reg  [31:0] admission$w13;
    reg  [31:0] admission$w14;
    reg  [31:0] admission$w15;
    reg  [31:0] admission$doorbell;
    wire  admission$valid_out;
    wire  [7:0] admission$error_code;
    wire  [3:0] admission$error_word;
    wire  [7:0] admission$opcode;
    wire  [3:0] admission$field;
    reg  live$0$d;
    wire  live$0$q;
    reg  live$0$clock;
    reg  live$1$d;
    wire  live$1$q;
    reg  live$1$clock;
    reg  live$2$d;
    wire  live$2$q;
    reg  live$2$clock;
    reg  live$3$d;
    wire  live$3$q;
    reg  live$3$clock;
    
    // Local signals
    reg  deliver;
    reg  refused;
    
    // Sub module instances
    slotproof_card_top$regs regs(
        .clock(regs$clock),
        .awvalid(regs$awvalid),
        .awready(regs$awready),
        .awaddr(regs$awaddr),
        .wvalid(regs$wvalid),
        .wready(regs$wready),
        .wdata(regs$wdata),
        .wstrb(regs$wstrb),
        .bvalid(regs$bvalid),
        .bready(regs$bready),
        .bresp(regs$bresp),
        .arvalid(regs$arvalid),
        .arready(regs$arready),
        .araddr(regs$araddr),
        .rvalid(regs$rvalid),
        .rready(regs$rready),
        .rdata(regs$rdata),
        .rresp(regs$rresp),
        .doorbell(regs$doorbell),
        .doorbell_value(regs$doorbell_value),
        .desc$0(regs$desc$0),
        .desc$1(regs$desc$1),
        .desc$2(regs$desc$2),
        .desc$3(regs$desc$3),
        .desc$4(regs$desc$4),
        .desc$5(regs$desc$5),
        .desc$6(regs$desc$6),
        .desc$7(regs$desc$7),
        .desc$8(regs$desc$8),
        .desc$9(regs$desc$9),
        .desc$10(regs$desc$10),
        .desc$11(regs$desc$11),
        .desc$12(regs$desc$12),
        .desc$13(regs$desc$13),
        .desc$14(regs$desc$14),
        .desc$15(regs$desc$15),
        .soft_reset(regs$soft_reset),
        .busy(regs$busy),
        .done(regs$done),
        .error(regs$error),
        .error_code(regs$error_code),
        .error_word(regs$error_word),
        .completed_seq(regs$completed_seq),
        .payload_crc(regs$payload_crc),
        .result_crc(regs$result_crc),
        .result_len(regs$result_len),
        .tables_loaded(regs$tables_loaded),
        .tables_field(regs$tables_field),
        .irq(regs$irq)
    );
    slotproof_card_top$admission admission(
        .clock(admission$clock),
        .valid_in(admission$valid_in),
        .header(admission$header),
        .seq(admission$seq),
        .src(admission$src),
        .dst(admission$dst),
        .aux(admission$aux),
        .shape(admission$shape),
        .count(admission$count),
        .src_len(admission$src_len),
        .w12(admission$w12),
        .w13(admission$w13),
        .w14(admission$w14),
        .w15(admission$w15),
        .doorbell(admission$doorbell),
        .valid_out(admission$valid_out),
        .error_code(admission$error_code),
        .error_word(admission$error_word),
        .opcode(admission$opcode),
        .field(admission$field)
    );
    slotproof_card_top$live$0 live$0(
        .d(live$0$d),
        .q(live$0$q),
        .clock(live$0$clock)
    );
    slotproof_card_top$live$1 live$1(
        .d(live$1$d),
        .q(live$1$q),
        .clock(live$1$clock)
    );
    slotproof_card_top$live$2 live$2(
        .d(live$2$d),
        .q(live$2$q),
        .clock(live$2$clock)
    );
    slotproof_card_top$live$3 live$3(
        .d(live$3$d),
        .q(live$3$q),
        .clock(live$3$clock)
    );
    
    // Update code
    always @(*) begin
        regs$clock = clock;
        regs$awvalid = awvalid;
        regs$awaddr = awaddr;
        regs$wvalid = wvalid;
        regs$wdata = wdata;
        regs$wstrb = wstrb;
        regs$bready = bready;
        regs$arvalid = arvalid;
        regs$araddr = araddr;
        regs$rready = rready;
        awready = regs$awready;
        wready = regs$wready;
        bvalid = regs$bvalid;
        bresp = regs$bresp;
        arready = regs$arready;
        rvalid = regs$rvalid;
        rdata = regs$rdata;
        rresp = regs$rresp;
        irq = regs$irq;
        admission$clock = clock;
        admission$valid_in = regs$doorbell;
        admission$doorbell = regs$doorbell_value;
        admission$header = regs$desc$0;
        admission$seq = regs$desc$1;
        admission$src = (((regs$desc$3) & 64'hffffffffffffffff) << 32'h20) | ((regs$desc$2) & 64'hffffffffffffffff);
        admission$dst = (((regs$desc$5) & 64'hffffffffffffffff) << 32'h20) | ((regs$desc$4) & 64'hffffffffffffffff);
        admission$aux = (((regs$desc$7) & 64'hffffffffffffffff) << 32'h20) | ((regs$desc$6) & 64'hffffffffffffffff);
        admission$shape = regs$desc$8;
        admission$count = regs$desc$10;
        admission$src_len = regs$desc$11;
        admission$w12 = regs$desc$12;
        admission$w13 = regs$desc$13;
        admission$w14 = regs$desc$14;
        admission$w15 = regs$desc$15;
        live$0$clock = clock;
        live$1$clock = clock;
        live$2$clock = clock;
        live$3$clock = clock;
        live$0$d = regs$doorbell & ~regs$soft_reset;
        live$1$d = live$0$q & ~regs$soft_reset;
        live$2$d = live$1$q & ~regs$soft_reset;
        live$3$d = live$2$q & ~regs$soft_reset;
        regs$busy = (regs$doorbell | live$0$q | live$1$q | live$2$q | live$3$q) & ~regs$soft_reset;
        deliver = admission$valid_out & live$3$q & ~regs$soft_reset;
        refused = |admission$error_code;
        regs$done = 1'b0;
        regs$error = deliver;
        if (refused) begin
            regs$error_code = admission$error_code;
            regs$error_word = admission$error_word;
        end
        else begin
            regs$error_code = unsupported;
            regs$error_word = header_word;
        end
        regs$completed_seq = regs$desc$1;
        regs$payload_crc = 32'h0;
        regs$result_crc = 32'h0;
        regs$result_len = 32'h0;
        regs$tables_loaded = 1'b0;
        regs$tables_field = 32'h0;
    end
    
endmodule // slotproof_card_top


module slotproof_card_top$admission(clock,valid_in,header,seq,src,dst,aux,shape,count,src_len,w12,w13,w14,w15,doorbell,valid_out,error_code,error_word,opcode,field);
    
    // Module arguments
    input wire  clock;
    input wire  valid_in;
    input wire  [31:0] header;
    input wire  [31:0] seq;
    input wire  [63:0] src;
    input wire  [63:0] dst;
    input wire  [63:0] aux;
    input wire  [31:0] shape;
    input wire  [31:0] count;
    input wire  [31:0] src_len;
    input wire  [31:0] w12;
    input wire  [31:0] w13;
    input wire  [31:0] w14;
    input wire  [31:0] w15;
    input wire  [31:0] doorbell;
    output reg  valid_out;
    output reg  [7:0] error_code;
    output reg  [3:0] error_word;
    output reg  [7:0] opcode;
    output reg  [3:0] field;
    
    // Stub signals
    reg  decoder$clock;
    reg  decoder$valid_in;
    reg  [31:0] decoder$header;
    reg  [31:0] decoder$seq;
    reg  [31:0] decoder$shape;
    reg  [31:0] decoder$w12;
    reg  [31:0] decoder$w13;
    reg  [31:0] decoder$w14;
    reg  [31:0] decoder$w15;
    reg  [31:0] decoder$doorbell;
    wire  decoder$valid_out;
    wire  [7:0] decoder$error_code;
    wire  [3:0] decoder$error_word;
    wire  [7:0] decoder$opcode;
    wire  [3:0] decoder$field;
    reg  shape_checker$clock;
    reg  shape_checker$valid_in;
    reg  [31:0] shape_checker$header;
    reg  [31:0] shape_checker$shape;
    reg  [31:0] shape_checker$count;
    wire  shape_checker$valid_out;
    wire  [7:0] shape_checker$error_code;
    wire  [3:0] shape_checker$error_word;
    reg  operand_checker$clock;
    reg  operand_checker$valid_in;
    reg  [31:0] operand_checker$header;
    reg  [31:0] operand_checker$shape;
    reg  [31:0] operand_checker$count;
    reg  [31:0] operand_checker$src_len;
    reg  [63:0] operand_checker$src;
    reg  [63:0] operand_checker$aux;
    reg  [63:0] operand_checker$dst;
    wire  operand_checker$valid_out;
    wire  [7:0] operand_checker$error_code;
    wire  [3:0] operand_checker$error_word;
    reg  [7:0] s3_decoder_code$d;
    wire  [7:0] s3_decoder_code$q;
    reg  s3_decoder_code$clock;
    reg  [3:0] s3_decoder_word$d;
    wire  [3:0] s3_decoder_word$q;
    reg  s3_decoder_word$clock;
    reg  [7:0] s3_shape_code$d;
    wire  [7:0] s3_shape_code$q;
    reg  s3_shape_code$clock;
    reg  [3:0] s3_shape_word$d;
    wire  [3:0] s3_shape_word$q;
    reg  s3_shape_word$clock;
    reg  [7:0] s3_opcode$d;
    wire  [7:0] s3_opcode$q;
    reg  s3_opcode$clock;
    reg  [3:0] s3_field$d;
    wire  [3:0] s3_field$q;
    reg  s3_field$clock;
    reg  s4_v$d;
    wire  s4_v$q;
    reg  s4_v$clock;
    reg  [7:0] s4_code$d;
    wire  [7:0] s4_code$q;
    reg  s4_code$clock;
    reg  [3:0] s4_word$d;
    wire  [3:0] s4_word$q;
    reg  s4_word$clock;
    reg  [7:0] s4_opcode$d;
    wire  [7:0] s4_opcode$q;
    reg  s4_opcode$clock;
    reg  [3:0] s4_field$d;
    wire  [3:0] s4_field$q;
    reg  s4_field$clock;
    
    // Sub module instances
    slotproof_card_top$admission$decoder decoder(
        .clock(decoder$clock),
        .valid_in(decoder$valid_in),
        .header(decoder$header),
        .seq(decoder$seq),
        .shape(decoder$shape),
        .w12(decoder$w12),
        .w13(decoder$w13),
        .w14(decoder$w14),
        .w15(decoder$w15),
        .doorbell(decoder$doorbell),
        .valid_out(decoder$valid_out),
        .error_code(decoder$error_code),
        .error_word(decoder$error_word),
        .opcode(decoder$opcode),
        .field(decoder$field)
    );
    slotproof_card_top$admission$shape_checker shape_checker(
        .clock(shape_checker$clock),
        .valid_in(shape_checker$valid_in),
        .header(shape_checker$header),
        .shape(shape_checker$shape),
        .count(shape_checker$count),
        .valid_out(shape_checker$valid_out),
        .error_code(shape_checker$error_code),
        .error_word(shape_checker$error_word)
    );
    slotproof_card_top$admission$operand_checker operand_checker(
        .clock(operand_checker$clock),
        .valid_in(operand_checker$valid_in),
        .header(operand_checker$header),
        .shape(operand_checker$shape),
        .count(operand_checker$count),
        .src_len(operand_checker$src_len),
        .src(operand_checker$src),
        .aux(operand_checker$aux),
        .dst(operand_checker$dst),
        .valid_out(operand_checker$valid_out),
        .error_code(operand_checker$error_code),
        .error_word(operand_checker$error_word)
    );
    slotproof_card_top$admission$s3_decoder_code s3_decoder_code(
        .d(s3_decoder_code$d),
        .q(s3_decoder_code$q),
        .clock(s3_decoder_code$clock)
    );
    slotproof_card_top$admission$s3_decoder_word s3_decoder_word(
        .d(s3_decoder_word$d),
        .q(s3_decoder_word$q),
        .clock(s3_decoder_word$clock)
    );
    slotproof_card_top$admission$s3_shape_code s3_shape_code(
        .d(s3_shape_code$d),
        .q(s3_shape_code$q),
        .clock(s3_shape_code$clock)
    );
    slotproof_card_top$admission$s3_shape_word s3_shape_word(
        .d(s3_shape_word$d),
        .q(s3_shape_word$q),
        .clock(s3_shape_word$clock)
    );
    slotproof_card_top$admission$s3_opcode s3_opcode(
        .d(s3_opcode$d),
        .q(s3_opcode$q),
        .clock(s3_opcode$clock)
    );
    slotproof_card_top$admission$s3_field s3_field(
        .d(s3_field$d),
        .q(s3_field$q),
        .clock(s3_field$clock)
    );
    slotproof_card_top$admission$s4_v s4_v(
        .d(s4_v$d),
        .q(s4_v$q),
        .clock(s4_v$clock)
    );
    slotproof_card_top$admission$s4_code s4_code(
        .d(s4_code$d),
        .q(s4_code$q),
        .clock(s4_code$clock)
    );
    slotproof_card_top$admission$s4_word s4_word(
        .d(s4_word$d),
        .q(s4_word$q),
        .clock(s4_word$clock)
    );
    slotproof_card_top$admission$s4_opcode s4_opcode(
        .d(s4_opcode$d),
        .q(s4_opcode$q),
        .clock(s4_opcode$clock)
    );
    slotproof_card_top$admission$s4_field s4_field(
        .d(s4_field$d),
        .q(s4_field$q),
        .clock(s4_field$clock)
    );
    
    // Update code
    always @(*) begin
        s3_decoder_code$clock = clock;
        s3_decoder_word$clock = clock;
        s3_shape_code$clock = clock;
        s3_shape_word$clock = clock;
        s3_opcode$clock = clock;
        s3_field$clock = clock;
        s4_v$clock = clock;
        s4_code$clock = clock;
        s4_word$clock = clock;
        s4_opcode$clock = clock;
        s4_field$clock = clock;
        s3_decoder_code$d = s3_decoder_code$q;
        s3_decoder_word$d = s3_decoder_word$q;
        s3_shape_code$d = s3_shape_code$q;
        s3_shape_word$d = s3_shape_word$q;
        s3_opcode$d = s3_opcode$q;
        s3_field$d = s3_field$q;
        s4_v$d = s4_v$q;
        s4_code$d = s4_code$q;
        s4_word$d = s4_word$q;
        s4_opcode$d = s4_opcode$q;
        s4_field$d = s4_field$q;
        decoder$clock = clock;
        decoder$valid_in = valid_in;
        decoder$header = header;
        decoder$seq = seq;
        decoder$shape = shape;
        decoder$w12 = w12;
        decoder$w13 = w13;
        decoder$w14 = w14;
        decoder$w15 = w15;
        decoder$doorbell = doorbell;
        shape_checker$clock = clock;
        shape_checker$valid_in = valid_in;
        shape_checker$header = header;
        shape_checker$shape = shape;
        shape_checker$count = count;
        operand_checker$clock = clock;
        operand_checker$valid_in = valid_in;
        operand_checker$header = header;
        operand_checker$shape = shape;
        operand_checker$count = count;
        operand_checker$src_len = src_len;
        operand_checker$src = src;
        operand_checker$aux = aux;
        operand_checker$dst = dst;
        s3_decoder_code$d = decoder$error_code;
        s3_decoder_word$d = decoder$error_word;
        s3_shape_code$d = shape_checker$error_code;
        s3_shape_word$d = shape_checker$error_word;
        s3_opcode$d = decoder$opcode;
        s3_field$d = decoder$field;
        if (|s3_decoder_code$q) begin
            s4_code$d = s3_decoder_code$q;
            s4_word$d = s3_decoder_word$q;
        end
        else if (|s3_shape_code$q) begin
            s4_code$d = s3_shape_code$q;
            s4_word$d = s3_shape_word$q;
        end
        else begin
            s4_code$d = operand_checker$error_code;
            s4_word$d = operand_checker$error_word;
        end
        s4_opcode$d = s3_opcode$q;
        s4_field$d = s3_field$q;
        s4_v$d = operand_checker$valid_out;
        valid_out = s4_v$q;
        error_code = s4_code$q;
        error_word = s4_word$q;
        opcode = s4_opcode$q;
        field = s4_field$q;
    end
    
endmodule // slotproof_card_top$admission


module slotproof_card_top$admission$decoder(clock,valid_in,header,seq,shape,w12,w13,w14,w15,doorbell,valid_out,error_code,error_word,opcode,field);
    
    // Module arguments
    input wire  clock;
    input wire  valid_in;
    input wire  [31:0] header;
    input wire  [31:0] seq;
    input wire  [31:0] shape;
    input wire  [31:0] w12;
    input wire  [31:0] w13;
    input wire  [31:0] w14;
    input wire  [31:0] w15;
    input wire  [31:0] doorbell;
    output reg  valid_out;
    output reg  [7:0] error_code;
    output reg  [3:0] error_word;
    output reg  [7:0] opcode;
    output reg  [3:0] field;
    
    // Constant declarations
    localparam  opcode_lsb = 8'h0;
    localparam  field_lsb = 8'h8;
    localparam  unknown_flags = 32'hfff80000;
    localparam  header_reserved = 32'hf000;
    localparam  shape_reserved = 32'hf000;
    localparam  bad_descriptor = 8'h1;
    localparam  bad_sequence = 8'h7;
    localparam  unsupported = 8'h2;
    localparam  word_header = 4'h0;
    localparam  word_seq = 4'h1;
    localparam  word_shape = 4'h8;
    localparam  word_w12 = 4'hc;
    localparam  word_w13 = 4'hd;
    localparam  word_w14 = 4'he;
    localparam  word_w15 = 4'hf;
    localparam  known_bit = 2'b1;
    localparam  supported_bit = 2'b10;
    
    // Stub signals
    reg  [7:0] opcode_rom$address;
    wire  [1:0] opcode_rom$data;
    reg  [3:0] field_rom$address;
    wire  [1:0] field_rom$data;
    reg  s1_v$d;
    wire  s1_v$q;
    reg  s1_v$clock;
    reg  s1_header_bad$d;
    wire  s1_header_bad$q;
    reg  s1_header_bad$clock;
    reg  s1_shape_bad$d;
    wire  s1_shape_bad$q;
    reg  s1_shape_bad$clock;
    reg  s1_w12_bad$d;
    wire  s1_w12_bad$q;
    reg  s1_w12_bad$clock;
    reg  s1_w13_bad$d;
    wire  s1_w13_bad$q;
    reg  s1_w13_bad$clock;
    reg  s1_w14_bad$d;
    wire  s1_w14_bad$q;
    reg  s1_w14_bad$clock;
    reg  s1_w15_bad$d;
    wire  s1_w15_bad$q;
    reg  s1_w15_bad$clock;
    reg  s1_seq_bad$d;
    wire  s1_seq_bad$q;
    reg  s1_seq_bad$clock;
    reg  s1_unsupported$d;
    wire  s1_unsupported$q;
    reg  s1_unsupported$clock;
    reg  [7:0] s1_opcode$d;
    wire  [7:0] s1_opcode$q;
    reg  s1_opcode$clock;
    reg  [3:0] s1_field$d;
    wire  [3:0] s1_field$q;
    reg  s1_field$clock;
    reg  s2_v$d;
    wire  s2_v$q;
    reg  s2_v$clock;
    reg  [7:0] s2_code$d;
    wire  [7:0] s2_code$q;
    reg  s2_code$clock;
    reg  [3:0] s2_word$d;
    wire  [3:0] s2_word$q;
    reg  s2_word$clock;
    reg  [7:0] s2_opcode$d;
    wire  [7:0] s2_opcode$q;
    reg  s2_opcode$clock;
    reg  [3:0] s2_field$d;
    wire  [3:0] s2_field$q;
    reg  s2_field$clock;
    
    // Local signals
    reg  [31:0] opcode_shifted;
    reg  [31:0] field_shifted;
    
    // Sub module instances
    slotproof_card_top$admission$decoder$opcode_rom opcode_rom(
        .address(opcode_rom$address),
        .data(opcode_rom$data)
    );
    slotproof_card_top$admission$decoder$field_rom field_rom(
        .address(field_rom$address),
        .data(field_rom$data)
    );
    slotproof_card_top$admission$decoder$s1_v s1_v(
        .d(s1_v$d),
        .q(s1_v$q),
        .clock(s1_v$clock)
    );
    slotproof_card_top$admission$decoder$s1_header_bad s1_header_bad(
        .d(s1_header_bad$d),
        .q(s1_header_bad$q),
        .clock(s1_header_bad$clock)
    );
    slotproof_card_top$admission$decoder$s1_shape_bad s1_shape_bad(
        .d(s1_shape_bad$d),
        .q(s1_shape_bad$q),
        .clock(s1_shape_bad$clock)
    );
    slotproof_card_top$admission$decoder$s1_w12_bad s1_w12_bad(
        .d(s1_w12_bad$d),
        .q(s1_w12_bad$q),
        .clock(s1_w12_bad$clock)
    );
    slotproof_card_top$admission$decoder$s1_w13_bad s1_w13_bad(
        .d(s1_w13_bad$d),
        .q(s1_w13_bad$q),
        .clock(s1_w13_bad$clock)
    );
    slotproof_card_top$admission$decoder$s1_w14_bad s1_w14_bad(
        .d(s1_w14_bad$d),
        .q(s1_w14_bad$q),
        .clock(s1_w14_bad$clock)
    );
    slotproof_card_top$admission$decoder$s1_w15_bad s1_w15_bad(
        .d(s1_w15_bad$d),
        .q(s1_w15_bad$q),
        .clock(s1_w15_bad$clock)
    );
    slotproof_card_top$admission$decoder$s1_seq_bad s1_seq_bad(
        .d(s1_seq_bad$d),
        .q(s1_seq_bad$q),
        .clock(s1_seq_bad$clock)
    );
    slotproof_card_top$admission$decoder$s1_unsupported s1_unsupported(
        .d(s1_unsupported$d),
        .q(s1_unsupported$q),
        .clock(s1_unsupported$clock)
    );
    slotproof_card_top$admission$decoder$s1_opcode s1_opcode(
        .d(s1_opcode$d),
        .q(s1_opcode$q),
        .clock(s1_opcode$clock)
    );
    slotproof_card_top$admission$decoder$s1_field s1_field(
        .d(s1_field$d),
        .q(s1_field$q),
        .clock(s1_field$clock)
    );
    slotproof_card_top$admission$decoder$s2_v s2_v(
        .d(s2_v$d),
        .q(s2_v$q),
        .clock(s2_v$clock)
    );
    slotproof_card_top$admission$decoder$s2_code s2_code(
        .d(s2_code$d),
        .q(s2_code$q),
        .clock(s2_code$clock)
    );
    slotproof_card_top$admission$decoder$s2_word s2_word(
        .d(s2_word$d),
        .q(s2_word$q),
        .clock(s2_word$clock)
    );
    slotproof_card_top$admission$decoder$s2_opcode s2_opcode(
        .d(s2_opcode$d),
        .q(s2_opcode$q),
        .clock(s2_opcode$clock)
    );
    slotproof_card_top$admission$decoder$s2_field s2_field(
        .d(s2_field$d),
        .q(s2_field$q),
        .clock(s2_field$clock)
    );
    
    // Update code
    always @(*) begin
        s1_v$clock = clock;
        s1_header_bad$clock = clock;
        s1_shape_bad$clock = clock;
        s1_w12_bad$clock = clock;
        s1_w13_bad$clock = clock;
        s1_w14_bad$clock = clock;
        s1_w15_bad$clock = clock;
        s1_seq_bad$clock = clock;
        s1_unsupported$clock = clock;
        s1_opcode$clock = clock;
        s1_field$clock = clock;
        s2_v$clock = clock;
        s2_code$clock = clock;
        s2_word$clock = clock;
        s2_opcode$clock = clock;
        s2_field$clock = clock;
        s1_v$d = s1_v$q;
        s1_header_bad$d = s1_header_bad$q;
        s1_shape_bad$d = s1_shape_bad$q;
        s1_w12_bad$d = s1_w12_bad$q;
        s1_w13_bad$d = s1_w13_bad$q;
        s1_w14_bad$d = s1_w14_bad$q;
        s1_w15_bad$d = s1_w15_bad$q;
        s1_seq_bad$d = s1_seq_bad$q;
        s1_unsupported$d = s1_unsupported$q;
        s1_opcode$d = s1_opcode$q;
        s1_field$d = s1_field$q;
        s2_v$d = s2_v$q;
        s2_code$d = s2_code$q;
        s2_word$d = s2_word$q;
        s2_opcode$d = s2_opcode$q;
        s2_field$d = s2_field$q;
        opcode_shifted = header >> opcode_lsb;
        field_shifted = header >> field_lsb;
        opcode_rom$address = opcode_shifted[(32'h0)+:(8)];
        field_rom$address = field_shifted[(32'h0)+:(4)];
        s1_header_bad$d = ~|(opcode_rom$data & known_bit) || ~|(field_rom$data & known_bit) || |(header & unknown_flags) || |(header & header_reserved);
        s1_shape_bad$d = |(shape & shape_reserved);
        s1_w12_bad$d = |w12;
        s1_w13_bad$d = |w13;
        s1_w14_bad$d = |w14;
        s1_w15_bad$d = |w15;
        s1_seq_bad$d = seq != doorbell;
        s1_unsupported$d = ~|(opcode_rom$data & supported_bit) || ~|(field_rom$data & supported_bit);
        s1_opcode$d = opcode_shifted[(32'h0)+:(8)];
        s1_field$d = field_shifted[(32'h0)+:(4)];
        s1_v$d = valid_in;
        s2_code$d = 32'h0;
        s2_word$d = 32'h0;
        if (s1_header_bad$q) begin
            s2_code$d = bad_descriptor;
            s2_word$d = word_header;
        end
        else if (s1_shape_bad$q) begin
            s2_code$d = bad_descriptor;
            s2_word$d = word_shape;
        end
        else if (s1_w12_bad$q) begin
            s2_code$d = bad_descriptor;
            s2_word$d = word_w12;
        end
        else if (s1_w13_bad$q) begin
            s2_code$d = bad_descriptor;
            s2_word$d = word_w13;
        end
        else if (s1_w14_bad$q) begin
            s2_code$d = bad_descriptor;
            s2_word$d = word_w14;
        end
        else if (s1_w15_bad$q) begin
            s2_code$d = bad_descriptor;
            s2_word$d = word_w15;
        end
        else if (s1_seq_bad$q) begin
            s2_code$d = bad_sequence;
            s2_word$d = word_seq;
        end
        else if (s1_unsupported$q) begin
            s2_code$d = unsupported;
            s2_word$d = word_header;
        end
        s2_opcode$d = s1_opcode$q;
        s2_field$d = s1_field$q;
        s2_v$d = s1_v$q;
        valid_out = s2_v$q;
        error_code = s2_code$q;
        error_word = s2_word$q;
        opcode = s2_opcode$q;
        field = s2_field$q;
    end
    
endmodule // slotproof_card_top$admission$decoder


module slotproof_card_top$admission$decoder$field_rom(address,data);
    
    // Module arguments
    input wire  [3:0] address;
    output reg  [1:0] data;
    
    // Update code (custom)
    always @*
    case (address)
        4'h1: data = 2'b1;
      4'h2: data = 2'b1;
      4'h3: data = 2'b1;
      default: data = 2'b0;
    endcase
            
endmodule // slotproof_card_top$admission$decoder$field_rom


module slotproof_card_top$admission$decoder$opcode_rom(address,data);
    
    // Module arguments
    input wire  [7:0] address;
    output reg  [1:0] data;
    
    // Update code (custom)
    always @*
    case (address)
        8'h1: data = 2'b11;
      8'h2: data = 2'b11;
      8'h10: data = 2'b1;
      8'h20: data = 2'b1;
      8'h30: data = 2'b1;
      8'h40: data = 2'b1;
      8'h50: data = 2'b1;
      8'h51: data = 2'b1;
      8'h52: data = 2'b1;
      default: data = 2'b0;
    endcase
            
endmodule // slotproof_card_top$admission$decoder$opcode_rom


module slotproof_card_top$admission$decoder$s1_field(d,q,clock);
    
    // Module arguments
    input wire  [3:0] d;
    output reg  [3:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 4'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$decoder$s1_field


module slotproof_card_top$admission$decoder$s1_header_bad(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$decoder$s1_header_bad


module slotproof_card_top$admission$decoder$s1_opcode(d,q,clock);
    
    // Module arguments
    input wire  [7:0] d;
    output reg  [7:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 8'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$decoder$s1_opcode


module slotproof_card_top$admission$decoder$s1_seq_bad(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$decoder$s1_seq_bad


module slotproof_card_top$admission$decoder$s1_shape_bad(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$decoder$s1_shape_bad


module slotproof_card_top$admission$decoder$s1_unsupported(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$decoder$s1_unsupported


module slotproof_card_top$admission$decoder$s1_v(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$decoder$s1_v


module slotproof_card_top$admission$decoder$s1_w12_bad(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$decoder$s1_w12_bad


module slotproof_card_top$admission$decoder$s1_w13_bad(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$decoder$s1_w13_bad


module slotproof_card_top$admission$decoder$s1_w14_bad(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$decoder$s1_w14_bad


module slotproof_card_top$admission$decoder$s1_w15_bad(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$decoder$s1_w15_bad


module slotproof_card_top$admission$decoder$s2_code(d,q,clock);
    
    // Module arguments
    input wire  [7:0] d;
    output reg  [7:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 8'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$decoder$s2_code


module slotproof_card_top$admission$decoder$s2_field(d,q,clock);
    
    // Module arguments
    input wire  [3:0] d;
    output reg  [3:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 4'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$decoder$s2_field


module slotproof_card_top$admission$decoder$s2_opcode(d,q,clock);
    
    // Module arguments
    input wire  [7:0] d;
    output reg  [7:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 8'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$decoder$s2_opcode


module slotproof_card_top$admission$decoder$s2_v(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$decoder$s2_v


module slotproof_card_top$admission$decoder$s2_word(d,q,clock);
    
    // Module arguments
    input wire  [3:0] d;
    output reg  [3:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 4'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$decoder$s2_word


module slotproof_card_top$admission$operand_checker(clock,valid_in,header,shape,count,src_len,src,aux,dst,valid_out,error_code,error_word);
    
    // Module arguments
    input wire  clock;
    input wire  valid_in;
    input wire  [31:0] header;
    input wire  [31:0] shape;
    input wire  [31:0] count;
    input wire  [31:0] src_len;
    input wire  [63:0] src;
    input wire  [63:0] aux;
    input wire  [63:0] dst;
    output reg  valid_out;
    output reg  [7:0] error_code;
    output reg  [3:0] error_word;
    
    // Constant declarations
    localparam  c_last = 32'h2;
    localparam  c_check_src = 32'h4;
    localparam  op_load_twiddles = 8'h1;
    localparam  op_load_constants = 8'h2;
    localparam  op_lde = 8'h10;
    localparam  op_hash_leaves = 8'h20;
    localparam  op_commit_batch = 8'h40;
    localparam  op_build_tree = 8'h30;
    localparam  op_read_root = 8'h50;
    localparam  op_read_cap = 8'h51;
    localparam  op_read_paths = 8'h52;
    localparam  c_max_height = 64'h28;
    localparam  c_one = 64'h1;
    localparam  c_index_bytes_log = 64'h2;
    localparam  c_lr_lsb = 32'h0;
    localparam  c_lb_lsb = 32'h8;
    localparam  c_cols_lsb = 32'h10;
    localparam  c_slices_lsb = 32'h10;
    localparam  c_lr_mask = 32'hff;
    localparam  c_lb_mask = 32'hf;
    localparam  c_cols_mask = 32'hffff;
    localparam  c_slices_mask = 32'hff;
    localparam  c_opcode_mask = 32'hff;
    localparam  c_field_lsb = 32'h8;
    localparam  c_field_mask = 32'hf;
    localparam  c_flags_lsb = 32'h10;
    localparam  bad_shape = 8'h3;
    localparam  out_of_bounds = 8'h4;
    localparam  word_src_len = 4'hb;
    localparam  word_src = 4'h2;
    localparam  word_aux = 4'h6;
    localparam  word_dst = 4'h4;
    
    // Stub signals
    reg  [3:0] field_rom$address;
    wire  [63:0] field_rom$data;
    reg  [7:0] src_rom$address;
    wire  [7:0] src_rom$data;
    reg  [7:0] aux_rom$address;
    wire  [7:0] aux_rom$data;
    reg  [7:0] dst_rom$address;
    wire  [7:0] dst_rom$data;
    reg  [63:0] src_check$addr;
    reg  [63:0] src_check$len;
    reg  [7:0] src_check$allowed;
    wire  src_check$outside;
    reg  [63:0] aux_check$addr;
    reg  [63:0] aux_check$len;
    reg  [7:0] aux_check$allowed;
    wire  aux_check$outside;
    reg  [63:0] dst_check$addr;
    reg  [63:0] dst_check$len;
    reg  [7:0] dst_check$allowed;
    wire  dst_check$outside;
    reg  s1_v$d;
    wire  s1_v$q;
    reg  s1_v$clock;
    reg  s1_src_len_bad$d;
    wire  s1_src_len_bad$q;
    reg  s1_src_len_bad$clock;
    reg  [63:0] s1_src$d;
    wire  [63:0] s1_src$q;
    reg  s1_src$clock;
    reg  [63:0] s1_aux$d;
    wire  [63:0] s1_aux$q;
    reg  s1_aux$clock;
    reg  [63:0] s1_dst$d;
    wire  [63:0] s1_dst$q;
    reg  s1_dst$clock;
    reg  [63:0] s1_src_size$d;
    wire  [63:0] s1_src_size$q;
    reg  s1_src_size$clock;
    reg  [63:0] s1_aux_size$d;
    wire  [63:0] s1_aux_size$q;
    reg  s1_aux_size$clock;
    reg  [63:0] s1_dst_size$d;
    wire  [63:0] s1_dst_size$q;
    reg  s1_dst_size$clock;
    reg  [7:0] s1_src_allowed$d;
    wire  [7:0] s1_src_allowed$q;
    reg  s1_src_allowed$clock;
    reg  [7:0] s1_aux_allowed$d;
    wire  [7:0] s1_aux_allowed$q;
    reg  s1_aux_allowed$clock;
    reg  [7:0] s1_dst_allowed$d;
    wire  [7:0] s1_dst_allowed$q;
    reg  s1_dst_allowed$clock;
    reg  s1_src_used$d;
    wire  s1_src_used$q;
    reg  s1_src_used$clock;
    reg  s1_aux_used$d;
    wire  s1_aux_used$q;
    reg  s1_aux_used$clock;
    reg  s1_dst_used$d;
    wire  s1_dst_used$q;
    reg  s1_dst_used$clock;
    reg  s2_v$d;
    wire  s2_v$q;
    reg  s2_v$clock;
    reg  s2_src_len_bad$d;
    wire  s2_src_len_bad$q;
    reg  s2_src_len_bad$clock;
    reg  s2_src_bad$d;
    wire  s2_src_bad$q;
    reg  s2_src_bad$clock;
    reg  s2_aux_bad$d;
    wire  s2_aux_bad$q;
    reg  s2_aux_bad$clock;
    reg  s2_dst_bad$d;
    wire  s2_dst_bad$q;
    reg  s2_dst_bad$clock;
    reg  s3_v$d;
    wire  s3_v$q;
    reg  s3_v$clock;
    reg  [7:0] s3_code$d;
    wire  [7:0] s3_code$q;
    reg  s3_code$clock;
    reg  [3:0] s3_word$d;
    wire  [3:0] s3_word$q;
    reg  s3_word$clock;
    
    // Local signals
    reg  [31:0] opcode_word;
    reg  [31:0] field_word;
    reg  [63:0] lr_plus_one;
    reg  [7:0] opcode;
    reg  [31:0] flags;
    reg  [63:0] lr;
    reg  [63:0] lde;
    reg  [63:0] cols;
    reg  [63:0] cnt;
    reg  [63:0] out_log;
    reg  [63:0] eb_log;
    reg  [63:0] db_log;
    reg  [63:0] state_log;
    reg  [63:0] constants;
    reg  [63:0] tree_lr;
    reg  [63:0] tree_out;
    reg  [31:0] paths_lo;
    reg  [31:0] paths_hi;
    reg  [63:0] src_size;
    reg  [63:0] aux_size;
    reg  [63:0] dst_size;
    reg  dst_used;
    
    // Sub module instances
    slotproof_card_top$admission$operand_checker$field_rom field_rom(
        .address(field_rom$address),
        .data(field_rom$data)
    );
    slotproof_card_top$admission$operand_checker$src_rom src_rom(
        .address(src_rom$address),
        .data(src_rom$data)
    );
    slotproof_card_top$admission$operand_checker$aux_rom aux_rom(
        .address(aux_rom$address),
        .data(aux_rom$data)
    );
    slotproof_card_top$admission$operand_checker$dst_rom dst_rom(
        .address(dst_rom$address),
        .data(dst_rom$data)
    );
    slotproof_card_top$admission$operand_checker$src_check src_check(
        .addr(src_check$addr),
        .len(src_check$len),
        .allowed(src_check$allowed),
        .outside(src_check$outside)
    );
    slotproof_card_top$admission$operand_checker$aux_check aux_check(
        .addr(aux_check$addr),
        .len(aux_check$len),
        .allowed(aux_check$allowed),
        .outside(aux_check$outside)
    );
    slotproof_card_top$admission$operand_checker$dst_check dst_check(
        .addr(dst_check$addr),
        .len(dst_check$len),
        .allowed(dst_check$allowed),
        .outside(dst_check$outside)
    );
    slotproof_card_top$admission$operand_checker$s1_v s1_v(
        .d(s1_v$d),
        .q(s1_v$q),
        .clock(s1_v$clock)
    );
    slotproof_card_top$admission$operand_checker$s1_src_len_bad s1_src_len_bad(
        .d(s1_src_len_bad$d),
        .q(s1_src_len_bad$q),
        .clock(s1_src_len_bad$clock)
    );
    slotproof_card_top$admission$operand_checker$s1_src s1_src(
        .d(s1_src$d),
        .q(s1_src$q),
        .clock(s1_src$clock)
    );
    slotproof_card_top$admission$operand_checker$s1_aux s1_aux(
        .d(s1_aux$d),
        .q(s1_aux$q),
        .clock(s1_aux$clock)
    );
    slotproof_card_top$admission$operand_checker$s1_dst s1_dst(
        .d(s1_dst$d),
        .q(s1_dst$q),
        .clock(s1_dst$clock)
    );
    slotproof_card_top$admission$operand_checker$s1_src_size s1_src_size(
        .d(s1_src_size$d),
        .q(s1_src_size$q),
        .clock(s1_src_size$clock)
    );
    slotproof_card_top$admission$operand_checker$s1_aux_size s1_aux_size(
        .d(s1_aux_size$d),
        .q(s1_aux_size$q),
        .clock(s1_aux_size$clock)
    );
    slotproof_card_top$admission$operand_checker$s1_dst_size s1_dst_size(
        .d(s1_dst_size$d),
        .q(s1_dst_size$q),
        .clock(s1_dst_size$clock)
    );
    slotproof_card_top$admission$operand_checker$s1_src_allowed s1_src_allowed(
        .d(s1_src_allowed$d),
        .q(s1_src_allowed$q),
        .clock(s1_src_allowed$clock)
    );
    slotproof_card_top$admission$operand_checker$s1_aux_allowed s1_aux_allowed(
        .d(s1_aux_allowed$d),
        .q(s1_aux_allowed$q),
        .clock(s1_aux_allowed$clock)
    );
    slotproof_card_top$admission$operand_checker$s1_dst_allowed s1_dst_allowed(
        .d(s1_dst_allowed$d),
        .q(s1_dst_allowed$q),
        .clock(s1_dst_allowed$clock)
    );
    slotproof_card_top$admission$operand_checker$s1_src_used s1_src_used(
        .d(s1_src_used$d),
        .q(s1_src_used$q),
        .clock(s1_src_used$clock)
    );
    slotproof_card_top$admission$operand_checker$s1_aux_used s1_aux_used(
        .d(s1_aux_used$d),
        .q(s1_aux_used$q),
        .clock(s1_aux_used$clock)
    );
    slotproof_card_top$admission$operand_checker$s1_dst_used s1_dst_used(
        .d(s1_dst_used$d),
        .q(s1_dst_used$q),
        .clock(s1_dst_used$clock)
    );
    slotproof_card_top$admission$operand_checker$s2_v s2_v(
        .d(s2_v$d),
        .q(s2_v$q),
        .clock(s2_v$clock)
    );
    slotproof_card_top$admission$operand_checker$s2_src_len_bad s2_src_len_bad(
        .d(s2_src_len_bad$d),
        .q(s2_src_len_bad$q),
        .clock(s2_src_len_bad$clock)
    );
    slotproof_card_top$admission$operand_checker$s2_src_bad s2_src_bad(
        .d(s2_src_bad$d),
        .q(s2_src_bad$q),
        .clock(s2_src_bad$clock)
    );
    slotproof_card_top$admission$operand_checker$s2_aux_bad s2_aux_bad(
        .d(s2_aux_bad$d),
        .q(s2_aux_bad$q),
        .clock(s2_aux_bad$clock)
    );
    slotproof_card_top$admission$operand_checker$s2_dst_bad s2_dst_bad(
        .d(s2_dst_bad$d),
        .q(s2_dst_bad$q),
        .clock(s2_dst_bad$clock)
    );
    slotproof_card_top$admission$operand_checker$s3_v s3_v(
        .d(s3_v$d),
        .q(s3_v$q),
        .clock(s3_v$clock)
    );
    slotproof_card_top$admission$operand_checker$s3_code s3_code(
        .d(s3_code$d),
        .q(s3_code$q),
        .clock(s3_code$clock)
    );
    slotproof_card_top$admission$operand_checker$s3_word s3_word(
        .d(s3_word$d),
        .q(s3_word$q),
        .clock(s3_word$clock)
    );
    
    // Update code
    always @(*) begin
        s1_v$clock = clock;
        s1_src_len_bad$clock = clock;
        s1_src$clock = clock;
        s1_aux$clock = clock;
        s1_dst$clock = clock;
        s1_src_size$clock = clock;
        s1_aux_size$clock = clock;
        s1_dst_size$clock = clock;
        s1_src_allowed$clock = clock;
        s1_aux_allowed$clock = clock;
        s1_dst_allowed$clock = clock;
        s1_src_used$clock = clock;
        s1_aux_used$clock = clock;
        s1_dst_used$clock = clock;
        s2_v$clock = clock;
        s2_src_len_bad$clock = clock;
        s2_src_bad$clock = clock;
        s2_aux_bad$clock = clock;
        s2_dst_bad$clock = clock;
        s3_v$clock = clock;
        s3_code$clock = clock;
        s3_word$clock = clock;
        s1_v$d = s1_v$q;
        s1_src_len_bad$d = s1_src_len_bad$q;
        s1_src$d = s1_src$q;
        s1_aux$d = s1_aux$q;
        s1_dst$d = s1_dst$q;
        s1_src_size$d = s1_src_size$q;
        s1_aux_size$d = s1_aux_size$q;
        s1_dst_size$d = s1_dst_size$q;
        s1_src_allowed$d = s1_src_allowed$q;
        s1_aux_allowed$d = s1_aux_allowed$q;
        s1_dst_allowed$d = s1_dst_allowed$q;
        s1_src_used$d = s1_src_used$q;
        s1_aux_used$d = s1_aux_used$q;
        s1_dst_used$d = s1_dst_used$q;
        s2_v$d = s2_v$q;
        s2_src_len_bad$d = s2_src_len_bad$q;
        s2_src_bad$d = s2_src_bad$q;
        s2_aux_bad$d = s2_aux_bad$q;
        s2_dst_bad$d = s2_dst_bad$q;
        s3_v$d = s3_v$q;
        s3_code$d = s3_code$q;
        s3_word$d = s3_word$q;
        opcode_word = header & c_opcode_mask;
        opcode = opcode_word[(32'h0)+:(8)];
        flags = header >> c_flags_lsb;
        field_word = (header >> c_field_lsb) & c_field_mask;
        field_rom$address = field_word[(32'h0)+:(4)];
        eb_log = ((field_rom$data[(32'h0)+:(8)]) & 64'hffffffffffffffff);
        db_log = ((field_rom$data[(32'h8)+:(8)]) & 64'hffffffffffffffff);
        state_log = ((field_rom$data[(32'h10)+:(8)]) & 64'hffffffffffffffff);
        constants = field_rom$data >> 32'h18;
        lr = (((shape >> c_lr_lsb) & c_lr_mask) & 64'hffffffffffffffff);
        lde = lr + (((shape >> c_lb_lsb) & c_lb_mask) & 64'hffffffffffffffff);
        cols = (((shape >> c_cols_lsb) & c_cols_mask) & 64'hffffffffffffffff);
        cnt = ((count) & 64'hffffffffffffffff);
        out_log = lde - (((count >> c_slices_lsb) & c_slices_mask) & 64'hffffffffffffffff);
        tree_lr = ((c_one << (lr + 32'h1)) - 32'h1) << db_log;
        tree_out = ((c_one << (out_log + 32'h1)) - 32'h1) << db_log;
        lr_plus_one = lr + 32'h1;
        paths_lo = count[(32'h0)+:(16)] * lr_plus_one[(32'h0)+:(16)];
        paths_hi = count[(32'h10)+:(16)] * lr_plus_one[(32'h0)+:(16)];
        src_size = 32'h0;
        aux_size = 32'h0;
        dst_size = 32'h0;
        if (opcode == op_load_twiddles) begin
            if (|lr) begin
                src_size = c_one << (lr - 32'h1 + eb_log);
            end
        end
        if (opcode == op_load_constants) begin
            src_size = constants;
        end
        if (opcode == op_lde) begin
            src_size = cols << (lr + eb_log);
            dst_size = cols << (lde + eb_log);
        end
        if (opcode == op_hash_leaves) begin
            src_size = cols << (lr + eb_log);
            aux_size = c_one << (lr + state_log);
            dst_size = tree_lr;
        end
        if (opcode == op_commit_batch) begin
            src_size = cols << (lr + eb_log);
            aux_size = c_one << (out_log + state_log);
            dst_size = tree_out;
        end
        if (opcode == op_build_tree) begin
            src_size = c_one << (lr + db_log);
            dst_size = ((c_one << lr) - 32'h1) << db_log;
        end
        if (opcode == op_read_root) begin
            aux_size = tree_lr;
            dst_size = c_one << db_log;
        end
        if (opcode == op_read_cap) begin
            aux_size = tree_lr;
            if (cnt > c_max_height) begin
                dst_size = c_one << (c_max_height + db_log);
            end
            else begin
                dst_size = c_one << (cnt + db_log);
            end
        end
        if (opcode == op_read_paths) begin
            src_size = cnt << c_index_bytes_log;
            aux_size = tree_lr;
            dst_size = ((((paths_hi) & 64'hffffffffffffffff) << 32'h10) + ((paths_lo) & 64'hffffffffffffffff)) << db_log;
        end
        src_rom$address = opcode;
        aux_rom$address = opcode;
        dst_rom$address = opcode;
        dst_used = |dst_rom$data;
        if ((opcode == op_hash_leaves || opcode == op_commit_batch) && ~|(flags & c_last)) begin
            dst_used = 1'b0;
        end
        s1_src_len_bad$d = (|src_rom$data && |src_len || |(flags & c_check_src)) && ((src_len) & 64'hffffffffffffffff) != src_size;
        s1_src$d = src;
        s1_aux$d = aux;
        s1_dst$d = dst;
        s1_src_size$d = src_size;
        s1_aux_size$d = aux_size;
        s1_dst_size$d = dst_size;
        s1_src_allowed$d = src_rom$data;
        s1_aux_allowed$d = aux_rom$data;
        s1_dst_allowed$d = dst_rom$data;
        s1_src_used$d = |src_rom$data;
        s1_aux_used$d = |aux_rom$data;
        s1_dst_used$d = dst_used;
        s1_v$d = valid_in;
        src_check$addr = s1_src$q;
        src_check$len = s1_src_size$q;
        src_check$allowed = s1_src_allowed$q;
        aux_check$addr = s1_aux$q;
        aux_check$len = s1_aux_size$q;
        aux_check$allowed = s1_aux_allowed$q;
        dst_check$addr = s1_dst$q;
        dst_check$len = s1_dst_size$q;
        dst_check$allowed = s1_dst_allowed$q;
        s2_src_len_bad$d = s1_src_len_bad$q;
        s2_src_bad$d = s1_src_used$q && src_check$outside;
        s2_aux_bad$d = s1_aux_used$q && aux_check$outside;
        s2_dst_bad$d = s1_dst_used$q && dst_check$outside;
        s2_v$d = s1_v$q;
        s3_code$d = 32'h0;
        s3_word$d = 32'h0;
        if (s2_src_len_bad$q) begin
            s3_code$d = bad_shape;
            s3_word$d = word_src_len;
        end
        else if (s2_src_bad$q) begin
            s3_code$d = out_of_bounds;
            s3_word$d = word_src;
        end
        else if (s2_aux_bad$q) begin
            s3_code$d = out_of_bounds;
            s3_word$d = word_aux;
        end
        else if (s2_dst_bad$q) begin
            s3_code$d = out_of_bounds;
            s3_word$d = word_dst;
        end
        s3_v$d = s2_v$q;
        valid_out = s3_v$q;
        error_code = s3_code$q;
        error_word = s3_word$q;
    end
    
endmodule // slotproof_card_top$admission$operand_checker


module slotproof_card_top$admission$operand_checker$aux_check(addr,len,allowed,outside);
    
    // Module arguments
    input wire  [63:0] addr;
    input wire  [63:0] len;
    input wire  [7:0] allowed;
    output reg  outside;
    
    // Constant declarations
    localparam  base0 = 64'h0;
    localparam  base1 = 64'h10000000;
    localparam  base2 = 64'h30000000;
    localparam  base3 = 64'h50000000;
    localparam  base4 = 64'hd0000000;
    localparam  base5 = 64'h150000000;
    localparam  base6 = 64'h1b0000000;
    localparam  end0 = 64'h10000000;
    localparam  end1 = 64'h30000000;
    localparam  end2 = 64'h50000000;
    localparam  end3 = 64'hd0000000;
    localparam  end4 = 64'h150000000;
    localparam  end5 = 64'h1b0000000;
    localparam  end6 = 64'h1b4000000;
    localparam  bit0 = 8'h1;
    localparam  bit1 = 8'h2;
    localparam  bit2 = 8'h4;
    localparam  bit3 = 8'h8;
    localparam  bit4 = 8'h10;
    localparam  bit5 = 8'h20;
    localparam  bit6 = 8'h40;
    localparam  mem_bytes = 64'h400000000;
    
    // Local signals
    reg  [63:0] range_end;
    reg  wraps;
    reg  [7:0] contained;
    reg  [7:0] first;
    
    // Update code
    always @(*) begin
        range_end = addr + len;
        wraps = range_end < addr;
        contained = 32'h0;
        if (addr >= base0 && range_end <= end0) begin
            contained = contained | bit0;
        end
        if (addr >= base1 && range_end <= end1) begin
            contained = contained | bit1;
        end
        if (addr >= base2 && range_end <= end2) begin
            contained = contained | bit2;
        end
        if (addr >= base3 && range_end <= end3) begin
            contained = contained | bit3;
        end
        if (addr >= base4 && range_end <= end4) begin
            contained = contained | bit4;
        end
        if (addr >= base5 && range_end <= end5) begin
            contained = contained | bit5;
        end
        if (addr >= base6 && range_end <= end6) begin
            contained = contained | bit6;
        end
        first = contained & (~contained + 32'h1);
        outside = ~|(first & allowed) || wraps || range_end > mem_bytes;
    end
    
endmodule // slotproof_card_top$admission$operand_checker$aux_check


module slotproof_card_top$admission$operand_checker$aux_rom(address,data);
    
    // Module arguments
    input wire  [7:0] address;
    output reg  [7:0] data;
    
    // Update code (custom)
    always @*
    case (address)
        8'h1: data = 8'h0;
      8'h2: data = 8'h0;
      8'h10: data = 8'h0;
      8'h20: data = 8'h10;
      8'h30: data = 8'h0;
      8'h40: data = 8'h10;
      8'h50: data = 8'h20;
      8'h51: data = 8'h20;
      8'h52: data = 8'h20;
      default: data = 8'h0;
    endcase
            
endmodule // slotproof_card_top$admission$operand_checker$aux_rom


module slotproof_card_top$admission$operand_checker$dst_check(addr,len,allowed,outside);
    
    // Module arguments
    input wire  [63:0] addr;
    input wire  [63:0] len;
    input wire  [7:0] allowed;
    output reg  outside;
    
    // Constant declarations
    localparam  base0 = 64'h0;
    localparam  base1 = 64'h10000000;
    localparam  base2 = 64'h30000000;
    localparam  base3 = 64'h50000000;
    localparam  base4 = 64'hd0000000;
    localparam  base5 = 64'h150000000;
    localparam  base6 = 64'h1b0000000;
    localparam  end0 = 64'h10000000;
    localparam  end1 = 64'h30000000;
    localparam  end2 = 64'h50000000;
    localparam  end3 = 64'hd0000000;
    localparam  end4 = 64'h150000000;
    localparam  end5 = 64'h1b0000000;
    localparam  end6 = 64'h1b4000000;
    localparam  bit0 = 8'h1;
    localparam  bit1 = 8'h2;
    localparam  bit2 = 8'h4;
    localparam  bit3 = 8'h8;
    localparam  bit4 = 8'h10;
    localparam  bit5 = 8'h20;
    localparam  bit6 = 8'h40;
    localparam  mem_bytes = 64'h400000000;
    
    // Local signals
    reg  [63:0] range_end;
    reg  wraps;
    reg  [7:0] contained;
    reg  [7:0] first;
    
    // Update code
    always @(*) begin
        range_end = addr + len;
        wraps = range_end < addr;
        contained = 32'h0;
        if (addr >= base0 && range_end <= end0) begin
            contained = contained | bit0;
        end
        if (addr >= base1 && range_end <= end1) begin
            contained = contained | bit1;
        end
        if (addr >= base2 && range_end <= end2) begin
            contained = contained | bit2;
        end
        if (addr >= base3 && range_end <= end3) begin
            contained = contained | bit3;
        end
        if (addr >= base4 && range_end <= end4) begin
            contained = contained | bit4;
        end
        if (addr >= base5 && range_end <= end5) begin
            contained = contained | bit5;
        end
        if (addr >= base6 && range_end <= end6) begin
            contained = contained | bit6;
        end
        first = contained & (~contained + 32'h1);
        outside = ~|(first & allowed) || wraps || range_end > mem_bytes;
    end
    
endmodule // slotproof_card_top$admission$operand_checker$dst_check


module slotproof_card_top$admission$operand_checker$dst_rom(address,data);
    
    // Module arguments
    input wire  [7:0] address;
    output reg  [7:0] data;
    
    // Update code (custom)
    always @*
    case (address)
        8'h1: data = 8'h0;
      8'h2: data = 8'h0;
      8'h10: data = 8'h8;
      8'h20: data = 8'h20;
      8'h30: data = 8'h20;
      8'h40: data = 8'h20;
      8'h50: data = 8'h40;
      8'h51: data = 8'h40;
      8'h52: data = 8'h40;
      default: data = 8'h0;
    endcase
            
endmodule // slotproof_card_top$admission$operand_checker$dst_rom


module slotproof_card_top$admission$operand_checker$field_rom(address,data);
    
    // Module arguments
    input wire  [3:0] address;
    output reg  [63:0] data;
    
    // Update code (custom)
    always @*
    case (address)
        4'h1: data = 64'h234060502;
      4'h2: data = 64'h250060502;
      4'h3: data = 64'h2b0060503;
      default: data = 64'h0;
    endcase
            
endmodule // slotproof_card_top$admission$operand_checker$field_rom


module slotproof_card_top$admission$operand_checker$s1_aux(d,q,clock);
    
    // Module arguments
    input wire  [63:0] d;
    output reg  [63:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 64'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$operand_checker$s1_aux


module slotproof_card_top$admission$operand_checker$s1_aux_allowed(d,q,clock);
    
    // Module arguments
    input wire  [7:0] d;
    output reg  [7:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 8'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$operand_checker$s1_aux_allowed


module slotproof_card_top$admission$operand_checker$s1_aux_size(d,q,clock);
    
    // Module arguments
    input wire  [63:0] d;
    output reg  [63:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 64'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$operand_checker$s1_aux_size


module slotproof_card_top$admission$operand_checker$s1_aux_used(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$operand_checker$s1_aux_used


module slotproof_card_top$admission$operand_checker$s1_dst(d,q,clock);
    
    // Module arguments
    input wire  [63:0] d;
    output reg  [63:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 64'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$operand_checker$s1_dst


module slotproof_card_top$admission$operand_checker$s1_dst_allowed(d,q,clock);
    
    // Module arguments
    input wire  [7:0] d;
    output reg  [7:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 8'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$operand_checker$s1_dst_allowed


module slotproof_card_top$admission$operand_checker$s1_dst_size(d,q,clock);
    
    // Module arguments
    input wire  [63:0] d;
    output reg  [63:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 64'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$operand_checker$s1_dst_size


module slotproof_card_top$admission$operand_checker$s1_dst_used(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$operand_checker$s1_dst_used


module slotproof_card_top$admission$operand_checker$s1_src(d,q,clock);
    
    // Module arguments
    input wire  [63:0] d;
    output reg  [63:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 64'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$operand_checker$s1_src


module slotproof_card_top$admission$operand_checker$s1_src_allowed(d,q,clock);
    
    // Module arguments
    input wire  [7:0] d;
    output reg  [7:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 8'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$operand_checker$s1_src_allowed


module slotproof_card_top$admission$operand_checker$s1_src_len_bad(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$operand_checker$s1_src_len_bad


module slotproof_card_top$admission$operand_checker$s1_src_size(d,q,clock);
    
    // Module arguments
    input wire  [63:0] d;
    output reg  [63:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 64'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$operand_checker$s1_src_size


module slotproof_card_top$admission$operand_checker$s1_src_used(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$operand_checker$s1_src_used


module slotproof_card_top$admission$operand_checker$s1_v(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$operand_checker$s1_v


module slotproof_card_top$admission$operand_checker$s2_aux_bad(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$operand_checker$s2_aux_bad


module slotproof_card_top$admission$operand_checker$s2_dst_bad(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$operand_checker$s2_dst_bad


module slotproof_card_top$admission$operand_checker$s2_src_bad(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$operand_checker$s2_src_bad


module slotproof_card_top$admission$operand_checker$s2_src_len_bad(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$operand_checker$s2_src_len_bad


module slotproof_card_top$admission$operand_checker$s2_v(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$operand_checker$s2_v


module slotproof_card_top$admission$operand_checker$s3_code(d,q,clock);
    
    // Module arguments
    input wire  [7:0] d;
    output reg  [7:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 8'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$operand_checker$s3_code


module slotproof_card_top$admission$operand_checker$s3_v(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$operand_checker$s3_v


module slotproof_card_top$admission$operand_checker$s3_word(d,q,clock);
    
    // Module arguments
    input wire  [3:0] d;
    output reg  [3:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 4'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$operand_checker$s3_word


module slotproof_card_top$admission$operand_checker$src_check(addr,len,allowed,outside);
    
    // Module arguments
    input wire  [63:0] addr;
    input wire  [63:0] len;
    input wire  [7:0] allowed;
    output reg  outside;
    
    // Constant declarations
    localparam  base0 = 64'h0;
    localparam  base1 = 64'h10000000;
    localparam  base2 = 64'h30000000;
    localparam  base3 = 64'h50000000;
    localparam  base4 = 64'hd0000000;
    localparam  base5 = 64'h150000000;
    localparam  base6 = 64'h1b0000000;
    localparam  end0 = 64'h10000000;
    localparam  end1 = 64'h30000000;
    localparam  end2 = 64'h50000000;
    localparam  end3 = 64'hd0000000;
    localparam  end4 = 64'h150000000;
    localparam  end5 = 64'h1b0000000;
    localparam  end6 = 64'h1b4000000;
    localparam  bit0 = 8'h1;
    localparam  bit1 = 8'h2;
    localparam  bit2 = 8'h4;
    localparam  bit3 = 8'h8;
    localparam  bit4 = 8'h10;
    localparam  bit5 = 8'h20;
    localparam  bit6 = 8'h40;
    localparam  mem_bytes = 64'h400000000;
    
    // Local signals
    reg  [63:0] range_end;
    reg  wraps;
    reg  [7:0] contained;
    reg  [7:0] first;
    
    // Update code
    always @(*) begin
        range_end = addr + len;
        wraps = range_end < addr;
        contained = 32'h0;
        if (addr >= base0 && range_end <= end0) begin
            contained = contained | bit0;
        end
        if (addr >= base1 && range_end <= end1) begin
            contained = contained | bit1;
        end
        if (addr >= base2 && range_end <= end2) begin
            contained = contained | bit2;
        end
        if (addr >= base3 && range_end <= end3) begin
            contained = contained | bit3;
        end
        if (addr >= base4 && range_end <= end4) begin
            contained = contained | bit4;
        end
        if (addr >= base5 && range_end <= end5) begin
            contained = contained | bit5;
        end
        if (addr >= base6 && range_end <= end6) begin
            contained = contained | bit6;
        end
        first = contained & (~contained + 32'h1);
        outside = ~|(first & allowed) || wraps || range_end > mem_bytes;
    end
    
endmodule // slotproof_card_top$admission$operand_checker$src_check


module slotproof_card_top$admission$operand_checker$src_rom(address,data);
    
    // Module arguments
    input wire  [7:0] address;
    output reg  [7:0] data;
    
    // Update code (custom)
    always @*
    case (address)
        8'h1: data = 8'h7;
      8'h2: data = 8'h7;
      8'h10: data = 8'h6;
      8'h20: data = 8'he;
      8'h30: data = 8'h20;
      8'h40: data = 8'h6;
      8'h50: data = 8'h0;
      8'h51: data = 8'h0;
      8'h52: data = 8'h46;
      default: data = 8'h0;
    endcase
            
endmodule // slotproof_card_top$admission$operand_checker$src_rom


module slotproof_card_top$admission$s3_decoder_code(d,q,clock);
    
    // Module arguments
    input wire  [7:0] d;
    output reg  [7:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 8'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$s3_decoder_code


module slotproof_card_top$admission$s3_decoder_word(d,q,clock);
    
    // Module arguments
    input wire  [3:0] d;
    output reg  [3:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 4'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$s3_decoder_word


module slotproof_card_top$admission$s3_field(d,q,clock);
    
    // Module arguments
    input wire  [3:0] d;
    output reg  [3:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 4'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$s3_field


module slotproof_card_top$admission$s3_opcode(d,q,clock);
    
    // Module arguments
    input wire  [7:0] d;
    output reg  [7:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 8'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$s3_opcode


module slotproof_card_top$admission$s3_shape_code(d,q,clock);
    
    // Module arguments
    input wire  [7:0] d;
    output reg  [7:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 8'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$s3_shape_code


module slotproof_card_top$admission$s3_shape_word(d,q,clock);
    
    // Module arguments
    input wire  [3:0] d;
    output reg  [3:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 4'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$s3_shape_word


module slotproof_card_top$admission$s4_code(d,q,clock);
    
    // Module arguments
    input wire  [7:0] d;
    output reg  [7:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 8'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$s4_code


module slotproof_card_top$admission$s4_field(d,q,clock);
    
    // Module arguments
    input wire  [3:0] d;
    output reg  [3:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 4'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$s4_field


module slotproof_card_top$admission$s4_opcode(d,q,clock);
    
    // Module arguments
    input wire  [7:0] d;
    output reg  [7:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 8'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$s4_opcode


module slotproof_card_top$admission$s4_v(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$s4_v


module slotproof_card_top$admission$s4_word(d,q,clock);
    
    // Module arguments
    input wire  [3:0] d;
    output reg  [3:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 4'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$s4_word


module slotproof_card_top$admission$shape_checker(clock,valid_in,header,shape,count,valid_out,error_code,error_word);
    
    // Module arguments
    input wire  clock;
    input wire  valid_in;
    input wire  [31:0] header;
    input wire  [31:0] shape;
    input wire  [31:0] count;
    output reg  valid_out;
    output reg  [7:0] error_code;
    output reg  [3:0] error_word;
    
    // Constant declarations
    localparam  c_opcode_lsb = 32'h0;
    localparam  c_field_lsb = 32'h8;
    localparam  c_opcode_mask = 32'hff;
    localparam  c_field_mask = 32'hf;
    localparam  c_lr_lsb = 32'h0;
    localparam  c_lb_lsb = 32'h8;
    localparam  c_cols_lsb = 32'h10;
    localparam  c_lr_mask = 32'hff;
    localparam  c_lb_mask = 32'hf;
    localparam  c_cols_mask = 32'hffff;
    localparam  c_slices_lsb = 32'h10;
    localparam  c_slices_mask = 32'hff;
    localparam  c_index_lsb = 32'h0;
    localparam  c_index_mask = 32'hffff;
    localparam  c_count_unused = 32'hff000000;
    localparam  c_max_slices = 32'h10;
    localparam  c_max_height = 32'h28;
    localparam  c_max_lde = 32'h18;
    localparam  c_max_blowup = 32'h3;
    localparam  c_max_cols = 32'h100;
    localparam  op_load_twiddles = 32'h1;
    localparam  op_lde = 32'h10;
    localparam  op_hash_leaves = 32'h20;
    localparam  op_build_tree = 32'h30;
    localparam  op_commit_batch = 32'h40;
    localparam  op_read_root = 32'h50;
    localparam  op_read_cap = 32'h51;
    localparam  op_read_paths = 32'h52;
    localparam  bad_shape = 8'h3;
    localparam  word_shape = 4'h8;
    localparam  word_count = 4'ha;
    
    // Stub signals
    reg  [3:0] adicity_rom$address;
    wire  [7:0] adicity_rom$data;
    reg  s1_v$d;
    wire  s1_v$q;
    reg  s1_v$clock;
    reg  s1_shape_bad$d;
    wire  s1_shape_bad$q;
    reg  s1_shape_bad$clock;
    reg  s1_count_bad$d;
    wire  s1_count_bad$q;
    reg  s1_count_bad$clock;
    reg  s1_too_tall$d;
    wire  s1_too_tall$q;
    reg  s1_too_tall$clock;
    reg  s1_slice_bad$d;
    wire  s1_slice_bad$q;
    reg  s1_slice_bad$clock;
    reg  s2_v$d;
    wire  s2_v$q;
    reg  s2_v$clock;
    reg  [7:0] s2_code$d;
    wire  [7:0] s2_code$q;
    reg  s2_code$clock;
    reg  [3:0] s2_word$d;
    wire  [3:0] s2_word$q;
    reg  s2_word$clock;
    
    // Local signals
    reg  [31:0] opcode;
    reg  [31:0] field;
    reg  [31:0] lr;
    reg  [31:0] lb;
    reg  [31:0] cols;
    reg  [31:0] lde;
    reg  [31:0] adicity;
    reg  [31:0] log_slices;
    reg  [31:0] slice_index;
    reg  cols_bad;
    reg  lr_big;
    
    // Sub module instances
    slotproof_card_top$admission$shape_checker$adicity_rom adicity_rom(
        .address(adicity_rom$address),
        .data(adicity_rom$data)
    );
    slotproof_card_top$admission$shape_checker$s1_v s1_v(
        .d(s1_v$d),
        .q(s1_v$q),
        .clock(s1_v$clock)
    );
    slotproof_card_top$admission$shape_checker$s1_shape_bad s1_shape_bad(
        .d(s1_shape_bad$d),
        .q(s1_shape_bad$q),
        .clock(s1_shape_bad$clock)
    );
    slotproof_card_top$admission$shape_checker$s1_count_bad s1_count_bad(
        .d(s1_count_bad$d),
        .q(s1_count_bad$q),
        .clock(s1_count_bad$clock)
    );
    slotproof_card_top$admission$shape_checker$s1_too_tall s1_too_tall(
        .d(s1_too_tall$d),
        .q(s1_too_tall$q),
        .clock(s1_too_tall$clock)
    );
    slotproof_card_top$admission$shape_checker$s1_slice_bad s1_slice_bad(
        .d(s1_slice_bad$d),
        .q(s1_slice_bad$q),
        .clock(s1_slice_bad$clock)
    );
    slotproof_card_top$admission$shape_checker$s2_v s2_v(
        .d(s2_v$d),
        .q(s2_v$q),
        .clock(s2_v$clock)
    );
    slotproof_card_top$admission$shape_checker$s2_code s2_code(
        .d(s2_code$d),
        .q(s2_code$q),
        .clock(s2_code$clock)
    );
    slotproof_card_top$admission$shape_checker$s2_word s2_word(
        .d(s2_word$d),
        .q(s2_word$q),
        .clock(s2_word$clock)
    );
    
    // Update code
    always @(*) begin
        s1_v$clock = clock;
        s1_shape_bad$clock = clock;
        s1_count_bad$clock = clock;
        s1_too_tall$clock = clock;
        s1_slice_bad$clock = clock;
        s2_v$clock = clock;
        s2_code$clock = clock;
        s2_word$clock = clock;
        s1_v$d = s1_v$q;
        s1_shape_bad$d = s1_shape_bad$q;
        s1_count_bad$d = s1_count_bad$q;
        s1_too_tall$d = s1_too_tall$q;
        s1_slice_bad$d = s1_slice_bad$q;
        s2_v$d = s2_v$q;
        s2_code$d = s2_code$q;
        s2_word$d = s2_word$q;
        opcode = (header >> c_opcode_lsb) & c_opcode_mask;
        field = (header >> c_field_lsb) & c_field_mask;
        lr = (shape >> c_lr_lsb) & c_lr_mask;
        lb = (shape >> c_lb_lsb) & c_lb_mask;
        cols = (shape >> c_cols_lsb) & c_cols_mask;
        lde = lr + lb;
        adicity_rom$address = field[(32'h0)+:(4)];
        adicity = ((adicity_rom$data) & 32'hffffffff);
        log_slices = (count >> c_slices_lsb) & c_slices_mask;
        slice_index = (count >> c_index_lsb) & c_index_mask;
        cols_bad = ~|cols || cols > c_max_cols;
        lr_big = lr > c_max_lde;
        s1_shape_bad$d = 1'b0;
        s1_count_bad$d = 1'b0;
        s1_slice_bad$d = 1'b0;
        if (opcode == op_load_twiddles) begin
            s1_shape_bad$d = ~|lr || lr_big || lr > adicity;
        end
        if (opcode == op_lde || opcode == op_commit_batch) begin
            s1_shape_bad$d = cols_bad || lb > c_max_blowup || lde > c_max_lde || lde > adicity;
        end
        if (opcode == op_hash_leaves) begin
            s1_shape_bad$d = cols_bad || lr_big;
        end
        if (opcode == op_build_tree || opcode == op_read_root || opcode == op_read_cap || opcode == op_read_paths) begin
            s1_shape_bad$d = lr_big;
        end
        if (opcode == op_read_cap) begin
            s1_count_bad$d = count > lr;
        end
        if (opcode == op_read_paths) begin
            s1_count_bad$d = ~|count;
        end
        if (opcode == op_commit_batch) begin
            s1_slice_bad$d = log_slices > lde || log_slices > c_max_slices || |(slice_index >> log_slices) || |(count & c_count_unused);
        end
        s1_too_tall$d = lde > c_max_height;
        s1_v$d = valid_in;
        s2_code$d = 32'h0;
        s2_word$d = 32'h0;
        if (s1_shape_bad$q) begin
            s2_code$d = bad_shape;
            s2_word$d = word_shape;
        end
        else if (s1_count_bad$q) begin
            s2_code$d = bad_shape;
            s2_word$d = word_count;
        end
        else if (s1_too_tall$q) begin
            s2_code$d = bad_shape;
            s2_word$d = word_shape;
        end
        else if (s1_slice_bad$q) begin
            s2_code$d = bad_shape;
            s2_word$d = word_count;
        end
        s2_v$d = s1_v$q;
        valid_out = s2_v$q;
        error_code = s2_code$q;
        error_word = s2_word$q;
    end
    
endmodule // slotproof_card_top$admission$shape_checker


module slotproof_card_top$admission$shape_checker$adicity_rom(address,data);
    
    // Module arguments
    input wire  [3:0] address;
    output reg  [7:0] data;
    
    // Update code (custom)
    always @*
    case (address)
        4'h1: data = 8'h1b;
      4'h2: data = 8'h18;
      4'h3: data = 8'h20;
      default: data = 8'h0;
    endcase
            
endmodule // slotproof_card_top$admission$shape_checker$adicity_rom


module slotproof_card_top$admission$shape_checker$s1_count_bad(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$shape_checker$s1_count_bad


module slotproof_card_top$admission$shape_checker$s1_shape_bad(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$shape_checker$s1_shape_bad


module slotproof_card_top$admission$shape_checker$s1_slice_bad(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$shape_checker$s1_slice_bad


module slotproof_card_top$admission$shape_checker$s1_too_tall(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$shape_checker$s1_too_tall


module slotproof_card_top$admission$shape_checker$s1_v(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$shape_checker$s1_v


module slotproof_card_top$admission$shape_checker$s2_code(d,q,clock);
    
    // Module arguments
    input wire  [7:0] d;
    output reg  [7:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 8'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$shape_checker$s2_code


module slotproof_card_top$admission$shape_checker$s2_v(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$shape_checker$s2_v


module slotproof_card_top$admission$shape_checker$s2_word(d,q,clock);
    
    // Module arguments
    input wire  [3:0] d;
    output reg  [3:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 4'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$admission$shape_checker$s2_word


module slotproof_card_top$live$0(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$live$0


module slotproof_card_top$live$1(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$live$1


module slotproof_card_top$live$2(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$live$2


module slotproof_card_top$live$3(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$live$3


module slotproof_card_top$regs(clock,awvalid,awready,awaddr,wvalid,wready,wdata,wstrb,bvalid,bready,bresp,arvalid,arready,araddr,rvalid,rready,rdata,rresp,doorbell,doorbell_value,desc$0,desc$1,desc$2,desc$3,desc$4,desc$5,desc$6,desc$7,desc$8,desc$9,desc$10,desc$11,desc$12,desc$13,desc$14,desc$15,soft_reset,busy,done,error,error_code,error_word,completed_seq,payload_crc,result_crc,result_len,tables_loaded,tables_field,irq);
    
    // Module arguments
    input wire  clock;
    input wire  awvalid;
    output reg  awready;
    input wire  [7:0] awaddr;
    input wire  wvalid;
    output reg  wready;
    input wire  [31:0] wdata;
    input wire  [3:0] wstrb;
    output reg  bvalid;
    input wire  bready;
    output reg  [1:0] bresp;
    input wire  arvalid;
    output reg  arready;
    input wire  [7:0] araddr;
    output reg  rvalid;
    input wire  rready;
    output reg  [31:0] rdata;
    output reg  [1:0] rresp;
    output reg  doorbell;
    output reg  [31:0] doorbell_value;
    output reg  [31:0] desc$0;
    output reg  [31:0] desc$1;
    output reg  [31:0] desc$2;
    output reg  [31:0] desc$3;
    output reg  [31:0] desc$4;
    output reg  [31:0] desc$5;
    output reg  [31:0] desc$6;
    output reg  [31:0] desc$7;
    output reg  [31:0] desc$8;
    output reg  [31:0] desc$9;
    output reg  [31:0] desc$10;
    output reg  [31:0] desc$11;
    output reg  [31:0] desc$12;
    output reg  [31:0] desc$13;
    output reg  [31:0] desc$14;
    output reg  [31:0] desc$15;
    output reg  soft_reset;
    input wire  busy;
    input wire  done;
    input wire  error;
    input wire  [7:0] error_code;
    input wire  [3:0] error_word;
    input wire  [31:0] completed_seq;
    input wire  [31:0] payload_crc;
    input wire  [31:0] result_crc;
    input wire  [31:0] result_len;
    input wire  tables_loaded;
    input wire  [3:0] tables_field;
    output reg  irq;
    
    // Constant declarations
    localparam  o_id = 6'b0;
    localparam  o_abi = 6'b1;
    localparam  o_bs_lo = 6'b10;
    localparam  o_bs_hi = 6'b11;
    localparam  o_caps = 6'b100;
    localparam  o_limits = 6'b101;
    localparam  o_clock = 6'b110;
    localparam  o_mem = 6'b111;
    localparam  o_ctrl = 6'b10000;
    localparam  o_status = 6'b10001;
    localparam  o_error = 6'b10010;
    localparam  o_irq = 6'b10011;
    localparam  o_heartbeat = 6'b10100;
    localparam  o_seq = 6'b10101;
    localparam  o_payload = 6'b10110;
    localparam  o_result_crc = 6'b10111;
    localparam  o_result_len = 6'b11000;
    localparam  o_doorbell = 6'b11111;
    localparam  o_cmd = 6'b100000;
    localparam  v_id = 32'h534c5046;
    localparam  v_abi = 32'h10000;
    localparam  v_bs_lo = 32'h1a967469;
    localparam  v_bs_hi = 32'h462d86dc;
    localparam  v_caps = 32'h0;
    localparam  v_limits = 32'h10031800;
    localparam  v_clock = 32'h3d090;
    localparam  v_mem = 32'h4000;
    localparam  s_busy = 5'b0;
    localparam  s_done = 5'b1;
    localparam  s_error = 5'b10;
    localparam  s_tables = 5'b11;
    localparam  s_code = 5'b0;
    localparam  s_word = 5'b1000;
    localparam  s_field = 5'b1100;
    localparam  s_irq_enable = 5'b1;
    localparam  s_pend_done = 5'b0;
    localparam  s_pend_error = 5'b1;
    localparam  m_soft_reset = 32'h1;
    localparam  m_irq_enable = 32'h2;
    localparam  m_pend_done = 32'h1;
    localparam  m_pend_error = 32'h2;
    localparam  busy_code = 8'h8;
    localparam  us_last = 16'hf9;
    localparam  one16 = 16'h1;
    
    // Stub signals
    reg  aw_full$d;
    wire  aw_full$q;
    reg  aw_full$clock;
    reg  [5:0] aw_word$d;
    wire  [5:0] aw_word$q;
    reg  aw_word$clock;
    reg  w_full$d;
    wire  w_full$q;
    reg  w_full$clock;
    reg  [31:0] w_data$d;
    wire  [31:0] w_data$q;
    reg  w_data$clock;
    reg  b_valid$d;
    wire  b_valid$q;
    reg  b_valid$clock;
    reg  r_valid$d;
    wire  r_valid$q;
    reg  r_valid$clock;
    reg  [31:0] r_data$d;
    wire  [31:0] r_data$q;
    reg  r_data$clock;
    reg  irq_enable$d;
    wire  irq_enable$q;
    reg  irq_enable$clock;
    reg  pending$d;
    wire  pending$q;
    reg  pending$clock;
    reg  done_flag$d;
    wire  done_flag$q;
    reg  done_flag$clock;
    reg  error_flag$d;
    wire  error_flag$q;
    reg  error_flag$clock;
    reg  [7:0] code$d;
    wire  [7:0] code$q;
    reg  code$clock;
    reg  [3:0] word$d;
    wire  [3:0] word$q;
    reg  word$clock;
    reg  [31:0] seq$d;
    wire  [31:0] seq$q;
    reg  seq$clock;
    reg  [31:0] payload$d;
    wire  [31:0] payload$q;
    reg  payload$clock;
    reg  [31:0] res_crc$d;
    wire  [31:0] res_crc$q;
    reg  res_crc$clock;
    reg  [31:0] res_len$d;
    wire  [31:0] res_len$q;
    reg  res_len$clock;
    reg  [31:0] cmd$0$d;
    wire  [31:0] cmd$0$q;
    reg  cmd$0$clock;
    reg  [31:0] cmd$1$d;
    wire  [31:0] cmd$1$q;
    reg  cmd$1$clock;
    reg  [31:0] cmd$2$d;
    wire  [31:0] cmd$2$q;
    reg  cmd$2$clock;
    reg  [31:0] cmd$3$d;
    wire  [31:0] cmd$3$q;
    reg  cmd$3$clock;
    reg  [31:0] cmd$4$d;
    wire  [31:0] cmd$4$q;
    reg  cmd$4$clock;
    reg  [31:0] cmd$5$d;
    wire  [31:0] cmd$5$q;
    reg  cmd$5$clock;
    reg  [31:0] cmd$6$d;
    wire  [31:0] cmd$6$q;
    reg  cmd$6$clock;
    reg  [31:0] cmd$7$d;
    wire  [31:0] cmd$7$q;
    reg  cmd$7$clock;
    reg  [31:0] cmd$8$d;
    wire  [31:0] cmd$8$q;
    reg  cmd$8$clock;
    reg  [31:0] cmd$9$d;
    wire  [31:0] cmd$9$q;
    reg  cmd$9$clock;
    reg  [31:0] cmd$10$d;
    wire  [31:0] cmd$10$q;
    reg  cmd$10$clock;
    reg  [31:0] cmd$11$d;
    wire  [31:0] cmd$11$q;
    reg  cmd$11$clock;
    reg  [31:0] cmd$12$d;
    wire  [31:0] cmd$12$q;
    reg  cmd$12$clock;
    reg  [31:0] cmd$13$d;
    wire  [31:0] cmd$13$q;
    reg  cmd$13$clock;
    reg  [31:0] cmd$14$d;
    wire  [31:0] cmd$14$q;
    reg  cmd$14$clock;
    reg  [31:0] cmd$15$d;
    wire  [31:0] cmd$15$q;
    reg  cmd$15$clock;
    reg  [31:0] desc_q$0$d;
    wire  [31:0] desc_q$0$q;
    reg  desc_q$0$clock;
    reg  [31:0] desc_q$1$d;
    wire  [31:0] desc_q$1$q;
    reg  desc_q$1$clock;
    reg  [31:0] desc_q$2$d;
    wire  [31:0] desc_q$2$q;
    reg  desc_q$2$clock;
    reg  [31:0] desc_q$3$d;
    wire  [31:0] desc_q$3$q;
    reg  desc_q$3$clock;
    reg  [31:0] desc_q$4$d;
    wire  [31:0] desc_q$4$q;
    reg  desc_q$4$clock;
    reg  [31:0] desc_q$5$d;
    wire  [31:0] desc_q$5$q;
    reg  desc_q$5$clock;
    reg  [31:0] desc_q$6$d;
    wire  [31:0] desc_q$6$q;
    reg  desc_q$6$clock;
    reg  [31:0] desc_q$7$d;
    wire  [31:0] desc_q$7$q;
    reg  desc_q$7$clock;
    reg  [31:0] desc_q$8$d;
    wire  [31:0] desc_q$8$q;
    reg  desc_q$8$clock;
    reg  [31:0] desc_q$9$d;
    wire  [31:0] desc_q$9$q;
    reg  desc_q$9$clock;
    reg  [31:0] desc_q$10$d;
    wire  [31:0] desc_q$10$q;
    reg  desc_q$10$clock;
    reg  [31:0] desc_q$11$d;
    wire  [31:0] desc_q$11$q;
    reg  desc_q$11$clock;
    reg  [31:0] desc_q$12$d;
    wire  [31:0] desc_q$12$q;
    reg  desc_q$12$clock;
    reg  [31:0] desc_q$13$d;
    wire  [31:0] desc_q$13$q;
    reg  desc_q$13$clock;
    reg  [31:0] desc_q$14$d;
    wire  [31:0] desc_q$14$q;
    reg  desc_q$14$clock;
    reg  [31:0] desc_q$15$d;
    wire  [31:0] desc_q$15$q;
    reg  desc_q$15$clock;
    reg  db_pulse$d;
    wire  db_pulse$q;
    reg  db_pulse$clock;
    reg  [31:0] db_value$d;
    wire  [31:0] db_value$q;
    reg  db_value$clock;
    reg  soft_pulse$d;
    wire  soft_pulse$q;
    reg  soft_pulse$clock;
    reg  [15:0] prescale$d;
    wire  [15:0] prescale$q;
    reg  prescale$clock;
    reg  [30:0] heartbeat$d;
    wire  [30:0] heartbeat$q;
    reg  heartbeat$clock;
    
    // Local signals
    reg  wr_go;
    reg  wr_ctrl;
    reg  wr_irq;
    reg  [15:0] wr_cmd;
    reg  soft_now;
    reg  ring;
    reg  busy_now;
    reg  accept;
    reg  refuse;
    reg  finish;
    reg  fail;
    reg  [5:0] rd_word;
    reg  [5:0] rd_cmd_rel;
    reg  [15:0] rd_cmd;
    reg  [5:0] wr_cmd_rel;
    reg  [31:0] rd_mux;
    reg  [31:0] status_word;
    reg  [31:0] error_word_r;
    reg  [3:0] field_shown;
    reg  [31:0] pend_word;
    reg  [31:0] ctrl_word;
    
    // Sub module instances
    slotproof_card_top$regs$aw_full aw_full(
        .d(aw_full$d),
        .q(aw_full$q),
        .clock(aw_full$clock)
    );
    slotproof_card_top$regs$aw_word aw_word(
        .d(aw_word$d),
        .q(aw_word$q),
        .clock(aw_word$clock)
    );
    slotproof_card_top$regs$w_full w_full(
        .d(w_full$d),
        .q(w_full$q),
        .clock(w_full$clock)
    );
    slotproof_card_top$regs$w_data w_data(
        .d(w_data$d),
        .q(w_data$q),
        .clock(w_data$clock)
    );
    slotproof_card_top$regs$b_valid b_valid(
        .d(b_valid$d),
        .q(b_valid$q),
        .clock(b_valid$clock)
    );
    slotproof_card_top$regs$r_valid r_valid(
        .d(r_valid$d),
        .q(r_valid$q),
        .clock(r_valid$clock)
    );
    slotproof_card_top$regs$r_data r_data(
        .d(r_data$d),
        .q(r_data$q),
        .clock(r_data$clock)
    );
    slotproof_card_top$regs$irq_enable irq_enable(
        .d(irq_enable$d),
        .q(irq_enable$q),
        .clock(irq_enable$clock)
    );
    slotproof_card_top$regs$pending pending(
        .d(pending$d),
        .q(pending$q),
        .clock(pending$clock)
    );
    slotproof_card_top$regs$done_flag done_flag(
        .d(done_flag$d),
        .q(done_flag$q),
        .clock(done_flag$clock)
    );
    slotproof_card_top$regs$error_flag error_flag(
        .d(error_flag$d),
        .q(error_flag$q),
        .clock(error_flag$clock)
    );
    slotproof_card_top$regs$code code(
        .d(code$d),
        .q(code$q),
        .clock(code$clock)
    );
    slotproof_card_top$regs$word word(
        .d(word$d),
        .q(word$q),
        .clock(word$clock)
    );
    slotproof_card_top$regs$seq seq(
        .d(seq$d),
        .q(seq$q),
        .clock(seq$clock)
    );
    slotproof_card_top$regs$payload payload(
        .d(payload$d),
        .q(payload$q),
        .clock(payload$clock)
    );
    slotproof_card_top$regs$res_crc res_crc(
        .d(res_crc$d),
        .q(res_crc$q),
        .clock(res_crc$clock)
    );
    slotproof_card_top$regs$res_len res_len(
        .d(res_len$d),
        .q(res_len$q),
        .clock(res_len$clock)
    );
    slotproof_card_top$regs$cmd$0 cmd$0(
        .d(cmd$0$d),
        .q(cmd$0$q),
        .clock(cmd$0$clock)
    );
    slotproof_card_top$regs$cmd$1 cmd$1(
        .d(cmd$1$d),
        .q(cmd$1$q),
        .clock(cmd$1$clock)
    );
    slotproof_card_top$regs$cmd$2 cmd$2(
        .d(cmd$2$d),
        .q(cmd$2$q),
        .clock(cmd$2$clock)
    );
    slotproof_card_top$regs$cmd$3 cmd$3(
        .d(cmd$3$d),
        .q(cmd$3$q),
        .clock(cmd$3$clock)
    );
    slotproof_card_top$regs$cmd$4 cmd$4(
        .d(cmd$4$d),
        .q(cmd$4$q),
        .clock(cmd$4$clock)
    );
    slotproof_card_top$regs$cmd$5 cmd$5(
        .d(cmd$5$d),
        .q(cmd$5$q),
        .clock(cmd$5$clock)
    );
    slotproof_card_top$regs$cmd$6 cmd$6(
        .d(cmd$6$d),
        .q(cmd$6$q),
        .clock(cmd$6$clock)
    );
    slotproof_card_top$regs$cmd$7 cmd$7(
        .d(cmd$7$d),
        .q(cmd$7$q),
        .clock(cmd$7$clock)
    );
    slotproof_card_top$regs$cmd$8 cmd$8(
        .d(cmd$8$d),
        .q(cmd$8$q),
        .clock(cmd$8$clock)
    );
    slotproof_card_top$regs$cmd$9 cmd$9(
        .d(cmd$9$d),
        .q(cmd$9$q),
        .clock(cmd$9$clock)
    );
    slotproof_card_top$regs$cmd$10 cmd$10(
        .d(cmd$10$d),
        .q(cmd$10$q),
        .clock(cmd$10$clock)
    );
    slotproof_card_top$regs$cmd$11 cmd$11(
        .d(cmd$11$d),
        .q(cmd$11$q),
        .clock(cmd$11$clock)
    );
    slotproof_card_top$regs$cmd$12 cmd$12(
        .d(cmd$12$d),
        .q(cmd$12$q),
        .clock(cmd$12$clock)
    );
    slotproof_card_top$regs$cmd$13 cmd$13(
        .d(cmd$13$d),
        .q(cmd$13$q),
        .clock(cmd$13$clock)
    );
    slotproof_card_top$regs$cmd$14 cmd$14(
        .d(cmd$14$d),
        .q(cmd$14$q),
        .clock(cmd$14$clock)
    );
    slotproof_card_top$regs$cmd$15 cmd$15(
        .d(cmd$15$d),
        .q(cmd$15$q),
        .clock(cmd$15$clock)
    );
    slotproof_card_top$regs$desc_q$0 desc_q$0(
        .d(desc_q$0$d),
        .q(desc_q$0$q),
        .clock(desc_q$0$clock)
    );
    slotproof_card_top$regs$desc_q$1 desc_q$1(
        .d(desc_q$1$d),
        .q(desc_q$1$q),
        .clock(desc_q$1$clock)
    );
    slotproof_card_top$regs$desc_q$2 desc_q$2(
        .d(desc_q$2$d),
        .q(desc_q$2$q),
        .clock(desc_q$2$clock)
    );
    slotproof_card_top$regs$desc_q$3 desc_q$3(
        .d(desc_q$3$d),
        .q(desc_q$3$q),
        .clock(desc_q$3$clock)
    );
    slotproof_card_top$regs$desc_q$4 desc_q$4(
        .d(desc_q$4$d),
        .q(desc_q$4$q),
        .clock(desc_q$4$clock)
    );
    slotproof_card_top$regs$desc_q$5 desc_q$5(
        .d(desc_q$5$d),
        .q(desc_q$5$q),
        .clock(desc_q$5$clock)
    );
    slotproof_card_top$regs$desc_q$6 desc_q$6(
        .d(desc_q$6$d),
        .q(desc_q$6$q),
        .clock(desc_q$6$clock)
    );
    slotproof_card_top$regs$desc_q$7 desc_q$7(
        .d(desc_q$7$d),
        .q(desc_q$7$q),
        .clock(desc_q$7$clock)
    );
    slotproof_card_top$regs$desc_q$8 desc_q$8(
        .d(desc_q$8$d),
        .q(desc_q$8$q),
        .clock(desc_q$8$clock)
    );
    slotproof_card_top$regs$desc_q$9 desc_q$9(
        .d(desc_q$9$d),
        .q(desc_q$9$q),
        .clock(desc_q$9$clock)
    );
    slotproof_card_top$regs$desc_q$10 desc_q$10(
        .d(desc_q$10$d),
        .q(desc_q$10$q),
        .clock(desc_q$10$clock)
    );
    slotproof_card_top$regs$desc_q$11 desc_q$11(
        .d(desc_q$11$d),
        .q(desc_q$11$q),
        .clock(desc_q$11$clock)
    );
    slotproof_card_top$regs$desc_q$12 desc_q$12(
        .d(desc_q$12$d),
        .q(desc_q$12$q),
        .clock(desc_q$12$clock)
    );
    slotproof_card_top$regs$desc_q$13 desc_q$13(
        .d(desc_q$13$d),
        .q(desc_q$13$q),
        .clock(desc_q$13$clock)
    );
    slotproof_card_top$regs$desc_q$14 desc_q$14(
        .d(desc_q$14$d),
        .q(desc_q$14$q),
        .clock(desc_q$14$clock)
    );
    slotproof_card_top$regs$desc_q$15 desc_q$15(
        .d(desc_q$15$d),
        .q(desc_q$15$q),
        .clock(desc_q$15$clock)
    );
    slotproof_card_top$regs$db_pulse db_pulse(
        .d(db_pulse$d),
        .q(db_pulse$q),
        .clock(db_pulse$clock)
    );
    slotproof_card_top$regs$db_value db_value(
        .d(db_value$d),
        .q(db_value$q),
        .clock(db_value$clock)
    );
    slotproof_card_top$regs$soft_pulse soft_pulse(
        .d(soft_pulse$d),
        .q(soft_pulse$q),
        .clock(soft_pulse$clock)
    );
    slotproof_card_top$regs$prescale prescale(
        .d(prescale$d),
        .q(prescale$q),
        .clock(prescale$clock)
    );
    slotproof_card_top$regs$heartbeat heartbeat(
        .d(heartbeat$d),
        .q(heartbeat$q),
        .clock(heartbeat$clock)
    );
    
    // Update code
    always @(*) begin
        aw_full$clock = clock;
        aw_word$clock = clock;
        w_full$clock = clock;
        w_data$clock = clock;
        b_valid$clock = clock;
        r_valid$clock = clock;
        r_data$clock = clock;
        irq_enable$clock = clock;
        pending$clock = clock;
        done_flag$clock = clock;
        error_flag$clock = clock;
        code$clock = clock;
        word$clock = clock;
        seq$clock = clock;
        payload$clock = clock;
        res_crc$clock = clock;
        res_len$clock = clock;
        db_pulse$clock = clock;
        db_value$clock = clock;
        soft_pulse$clock = clock;
        prescale$clock = clock;
        heartbeat$clock = clock;
        aw_full$d = aw_full$q;
        aw_word$d = aw_word$q;
        w_full$d = w_full$q;
        w_data$d = w_data$q;
        b_valid$d = b_valid$q;
        r_valid$d = r_valid$q;
        r_data$d = r_data$q;
        irq_enable$d = irq_enable$q;
        pending$d = pending$q;
        done_flag$d = done_flag$q;
        error_flag$d = error_flag$q;
        code$d = code$q;
        word$d = word$q;
        seq$d = seq$q;
        payload$d = payload$q;
        res_crc$d = res_crc$q;
        res_len$d = res_len$q;
        db_pulse$d = db_pulse$q;
        db_value$d = db_value$q;
        soft_pulse$d = soft_pulse$q;
        prescale$d = prescale$q;
        heartbeat$d = heartbeat$q;
        cmd$0$clock = clock;
        cmd$0$d = cmd$0$q;
        desc_q$0$clock = clock;
        desc_q$0$d = desc_q$0$q;
        desc$0 = desc_q$0$q;
        cmd$1$clock = clock;
        cmd$1$d = cmd$1$q;
        desc_q$1$clock = clock;
        desc_q$1$d = desc_q$1$q;
        desc$1 = desc_q$1$q;
        cmd$2$clock = clock;
        cmd$2$d = cmd$2$q;
        desc_q$2$clock = clock;
        desc_q$2$d = desc_q$2$q;
        desc$2 = desc_q$2$q;
        cmd$3$clock = clock;
        cmd$3$d = cmd$3$q;
        desc_q$3$clock = clock;
        desc_q$3$d = desc_q$3$q;
        desc$3 = desc_q$3$q;
        cmd$4$clock = clock;
        cmd$4$d = cmd$4$q;
        desc_q$4$clock = clock;
        desc_q$4$d = desc_q$4$q;
        desc$4 = desc_q$4$q;
        cmd$5$clock = clock;
        cmd$5$d = cmd$5$q;
        desc_q$5$clock = clock;
        desc_q$5$d = desc_q$5$q;
        desc$5 = desc_q$5$q;
        cmd$6$clock = clock;
        cmd$6$d = cmd$6$q;
        desc_q$6$clock = clock;
        desc_q$6$d = desc_q$6$q;
        desc$6 = desc_q$6$q;
        cmd$7$clock = clock;
        cmd$7$d = cmd$7$q;
        desc_q$7$clock = clock;
        desc_q$7$d = desc_q$7$q;
        desc$7 = desc_q$7$q;
        cmd$8$clock = clock;
        cmd$8$d = cmd$8$q;
        desc_q$8$clock = clock;
        desc_q$8$d = desc_q$8$q;
        desc$8 = desc_q$8$q;
        cmd$9$clock = clock;
        cmd$9$d = cmd$9$q;
        desc_q$9$clock = clock;
        desc_q$9$d = desc_q$9$q;
        desc$9 = desc_q$9$q;
        cmd$10$clock = clock;
        cmd$10$d = cmd$10$q;
        desc_q$10$clock = clock;
        desc_q$10$d = desc_q$10$q;
        desc$10 = desc_q$10$q;
        cmd$11$clock = clock;
        cmd$11$d = cmd$11$q;
        desc_q$11$clock = clock;
        desc_q$11$d = desc_q$11$q;
        desc$11 = desc_q$11$q;
        cmd$12$clock = clock;
        cmd$12$d = cmd$12$q;
        desc_q$12$clock = clock;
        desc_q$12$d = desc_q$12$q;
        desc$12 = desc_q$12$q;
        cmd$13$clock = clock;
        cmd$13$d = cmd$13$q;
        desc_q$13$clock = clock;
        desc_q$13$d = desc_q$13$q;
        desc$13 = desc_q$13$q;
        cmd$14$clock = clock;
        cmd$14$d = cmd$14$q;
        desc_q$14$clock = clock;
        desc_q$14$d = desc_q$14$q;
        desc$14 = desc_q$14$q;
        cmd$15$clock = clock;
        cmd$15$d = cmd$15$q;
        desc_q$15$clock = clock;
        desc_q$15$d = desc_q$15$q;
        desc$15 = desc_q$15$q;
        awready = ~aw_full$q;
        wready = ~w_full$q;
        bvalid = b_valid$q;
        bresp = 32'h0;
        arready = ~r_valid$q;
        rvalid = r_valid$q;
        rdata = r_data$q;
        rresp = 32'h0;
        doorbell = db_pulse$q;
        doorbell_value = db_value$q;
        soft_reset = soft_pulse$q;
        irq = irq_enable$q & (done_flag$q | error_flag$q);
        if (prescale$q == us_last) begin
            prescale$d = 32'h0;
            heartbeat$d = heartbeat$q + 32'h1;
        end
        else begin
            prescale$d = prescale$q + 32'h1;
        end
        rd_word = araddr[(32'h2)+:(6)];
        rd_cmd_rel = rd_word - o_cmd;
        rd_cmd = 32'h0;
        if (rd_cmd_rel < 32'h10) begin
            rd_cmd = ((one16 << rd_cmd_rel) & 16'hffff);
        end
        status_word = ((((pending$q | busy)) & 32'hffffffff) << s_busy) | (((done_flag$q) & 32'hffffffff) << s_done) | (((error_flag$q) & 32'hffffffff) << s_error) | (((tables_loaded) & 32'hffffffff) << s_tables);
        field_shown = 32'h0;
        if (tables_loaded) begin
            field_shown = tables_field;
        end
        error_word_r = (((code$q) & 32'hffffffff) << s_code) | (((word$q) & 32'hffffffff) << s_word) | (((field_shown) & 32'hffffffff) << s_field);
        pend_word = (((done_flag$q) & 32'hffffffff) << s_pend_done) | (((error_flag$q) & 32'hffffffff) << s_pend_error);
        ctrl_word = ((irq_enable$q) & 32'hffffffff) << s_irq_enable;
        rd_mux = 32'h0;
        if (rd_word == o_id) begin
            rd_mux = v_id;
        end
        if (rd_word == o_abi) begin
            rd_mux = v_abi;
        end
        if (rd_word == o_bs_lo) begin
            rd_mux = v_bs_lo;
        end
        if (rd_word == o_bs_hi) begin
            rd_mux = v_bs_hi;
        end
        if (rd_word == o_caps) begin
            rd_mux = v_caps;
        end
        if (rd_word == o_limits) begin
            rd_mux = v_limits;
        end
        if (rd_word == o_clock) begin
            rd_mux = v_clock;
        end
        if (rd_word == o_mem) begin
            rd_mux = v_mem;
        end
        if (rd_word == o_ctrl) begin
            rd_mux = ctrl_word;
        end
        if (rd_word == o_status) begin
            rd_mux = status_word;
        end
        if (rd_word == o_error) begin
            rd_mux = error_word_r;
        end
        if (rd_word == o_irq) begin
            rd_mux = pend_word;
        end
        if (rd_word == o_heartbeat) begin
            rd_mux = ((heartbeat$q) & 32'hffffffff);
        end
        if (rd_word == o_seq) begin
            rd_mux = seq$q;
        end
        if (rd_word == o_payload) begin
            rd_mux = payload$q;
        end
        if (rd_word == o_result_crc) begin
            rd_mux = res_crc$q;
        end
        if (rd_word == o_result_len) begin
            rd_mux = res_len$q;
        end
        if (rd_cmd[0]) begin
            rd_mux = cmd$0$q;
        end
        if (rd_cmd[1]) begin
            rd_mux = cmd$1$q;
        end
        if (rd_cmd[2]) begin
            rd_mux = cmd$2$q;
        end
        if (rd_cmd[3]) begin
            rd_mux = cmd$3$q;
        end
        if (rd_cmd[4]) begin
            rd_mux = cmd$4$q;
        end
        if (rd_cmd[5]) begin
            rd_mux = cmd$5$q;
        end
        if (rd_cmd[6]) begin
            rd_mux = cmd$6$q;
        end
        if (rd_cmd[7]) begin
            rd_mux = cmd$7$q;
        end
        if (rd_cmd[8]) begin
            rd_mux = cmd$8$q;
        end
        if (rd_cmd[9]) begin
            rd_mux = cmd$9$q;
        end
        if (rd_cmd[10]) begin
            rd_mux = cmd$10$q;
        end
        if (rd_cmd[11]) begin
            rd_mux = cmd$11$q;
        end
        if (rd_cmd[12]) begin
            rd_mux = cmd$12$q;
        end
        if (rd_cmd[13]) begin
            rd_mux = cmd$13$q;
        end
        if (rd_cmd[14]) begin
            rd_mux = cmd$14$q;
        end
        if (rd_cmd[15]) begin
            rd_mux = cmd$15$q;
        end
        if (r_valid$q) begin
            if (rready) begin
                r_valid$d = 1'b0;
            end
        end
        else if (arvalid) begin
            r_valid$d = 1'b1;
            r_data$d = rd_mux;
        end
        if (awvalid & ~aw_full$q) begin
            aw_full$d = 1'b1;
            aw_word$d = awaddr[(32'h2)+:(6)];
        end
        if (wvalid & ~w_full$q) begin
            w_full$d = 1'b1;
            w_data$d = wdata;
        end
        if (b_valid$q & bready) begin
            b_valid$d = 1'b0;
        end
        wr_go = aw_full$q & w_full$q & ~b_valid$q;
        if (wr_go) begin
            aw_full$d = 1'b0;
            w_full$d = 1'b0;
            b_valid$d = 1'b1;
        end
        wr_ctrl = wr_go & (aw_word$q == o_ctrl);
        wr_irq = wr_go & (aw_word$q == o_irq);
        ring = wr_go & (aw_word$q == o_doorbell);
        wr_cmd_rel = aw_word$q - o_cmd;
        wr_cmd = 32'h0;
        if (wr_go & (wr_cmd_rel < 32'h10)) begin
            wr_cmd = ((one16 << wr_cmd_rel) & 16'hffff);
        end
        if (wr_cmd[0]) begin
            cmd$0$d = w_data$q;
        end
        if (wr_cmd[1]) begin
            cmd$1$d = w_data$q;
        end
        if (wr_cmd[2]) begin
            cmd$2$d = w_data$q;
        end
        if (wr_cmd[3]) begin
            cmd$3$d = w_data$q;
        end
        if (wr_cmd[4]) begin
            cmd$4$d = w_data$q;
        end
        if (wr_cmd[5]) begin
            cmd$5$d = w_data$q;
        end
        if (wr_cmd[6]) begin
            cmd$6$d = w_data$q;
        end
        if (wr_cmd[7]) begin
            cmd$7$d = w_data$q;
        end
        if (wr_cmd[8]) begin
            cmd$8$d = w_data$q;
        end
        if (wr_cmd[9]) begin
            cmd$9$d = w_data$q;
        end
        if (wr_cmd[10]) begin
            cmd$10$d = w_data$q;
        end
        if (wr_cmd[11]) begin
            cmd$11$d = w_data$q;
        end
        if (wr_cmd[12]) begin
            cmd$12$d = w_data$q;
        end
        if (wr_cmd[13]) begin
            cmd$13$d = w_data$q;
        end
        if (wr_cmd[14]) begin
            cmd$14$d = w_data$q;
        end
        if (wr_cmd[15]) begin
            cmd$15$d = w_data$q;
        end
        soft_now = wr_ctrl & |(w_data$q & m_soft_reset);
        if (wr_ctrl) begin
            irq_enable$d = |(w_data$q & m_irq_enable);
        end
        busy_now = pending$q | busy;
        accept = ring & ~busy_now;
        refuse = ring & busy_now;
        soft_pulse$d = soft_now;
        db_pulse$d = accept;
        if (accept) begin
            db_value$d = w_data$q;
            desc_q$0$d = cmd$0$q;
            desc_q$1$d = cmd$1$q;
            desc_q$2$d = cmd$2$q;
            desc_q$3$d = cmd$3$q;
            desc_q$4$d = cmd$4$q;
            desc_q$5$d = cmd$5$q;
            desc_q$6$d = cmd$6$q;
            desc_q$7$d = cmd$7$q;
            desc_q$8$d = cmd$8$q;
            desc_q$9$d = cmd$9$q;
            desc_q$10$d = cmd$10$q;
            desc_q$11$d = cmd$11$q;
            desc_q$12$d = cmd$12$q;
            desc_q$13$d = cmd$13$q;
            desc_q$14$d = cmd$14$q;
            desc_q$15$d = cmd$15$q;
        end
        finish = (done | error) & ~soft_now;
        fail = error & ~soft_now;
        if (soft_now) begin
            pending$d = 1'b0;
            done_flag$d = 1'b0;
            error_flag$d = 1'b0;
            code$d = 32'h0;
            word$d = 32'h0;
            seq$d = 32'h0;
            payload$d = 32'h0;
            res_crc$d = 32'h0;
            res_len$d = 32'h0;
        end
        if (wr_irq) begin
            if (|(w_data$q & m_pend_done)) begin
                done_flag$d = 1'b0;
            end
            if (|(w_data$q & m_pend_error)) begin
                error_flag$d = 1'b0;
            end
        end
        if (accept) begin
            pending$d = 1'b1;
        end
        if (refuse) begin
            error_flag$d = 1'b1;
            code$d = busy_code;
            word$d = 32'h0;
        end
        if (finish) begin
            pending$d = 1'b0;
            seq$d = completed_seq;
            payload$d = payload_crc;
            res_crc$d = result_crc;
            res_len$d = result_len;
            if (fail) begin
                error_flag$d = 1'b1;
                code$d = error_code;
                word$d = error_word;
            end
            else begin
                done_flag$d = 1'b1;
                code$d = 32'h0;
                word$d = 32'h0;
            end
        end
    end
    
endmodule // slotproof_card_top$regs


module slotproof_card_top$regs$aw_full(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$aw_full


module slotproof_card_top$regs$aw_word(d,q,clock);
    
    // Module arguments
    input wire  [5:0] d;
    output reg  [5:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 6'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$aw_word


module slotproof_card_top$regs$b_valid(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$b_valid


module slotproof_card_top$regs$cmd$0(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$cmd$0


module slotproof_card_top$regs$cmd$1(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$cmd$1


module slotproof_card_top$regs$cmd$10(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$cmd$10


module slotproof_card_top$regs$cmd$11(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$cmd$11


module slotproof_card_top$regs$cmd$12(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$cmd$12


module slotproof_card_top$regs$cmd$13(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$cmd$13


module slotproof_card_top$regs$cmd$14(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$cmd$14


module slotproof_card_top$regs$cmd$15(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$cmd$15


module slotproof_card_top$regs$cmd$2(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$cmd$2


module slotproof_card_top$regs$cmd$3(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$cmd$3


module slotproof_card_top$regs$cmd$4(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$cmd$4


module slotproof_card_top$regs$cmd$5(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$cmd$5


module slotproof_card_top$regs$cmd$6(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$cmd$6


module slotproof_card_top$regs$cmd$7(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$cmd$7


module slotproof_card_top$regs$cmd$8(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$cmd$8


module slotproof_card_top$regs$cmd$9(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$cmd$9


module slotproof_card_top$regs$code(d,q,clock);
    
    // Module arguments
    input wire  [7:0] d;
    output reg  [7:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 8'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$code


module slotproof_card_top$regs$db_pulse(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$db_pulse


module slotproof_card_top$regs$db_value(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$db_value


module slotproof_card_top$regs$desc_q$0(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$desc_q$0


module slotproof_card_top$regs$desc_q$1(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$desc_q$1


module slotproof_card_top$regs$desc_q$10(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$desc_q$10


module slotproof_card_top$regs$desc_q$11(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$desc_q$11


module slotproof_card_top$regs$desc_q$12(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$desc_q$12


module slotproof_card_top$regs$desc_q$13(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$desc_q$13


module slotproof_card_top$regs$desc_q$14(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$desc_q$14


module slotproof_card_top$regs$desc_q$15(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$desc_q$15


module slotproof_card_top$regs$desc_q$2(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$desc_q$2


module slotproof_card_top$regs$desc_q$3(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$desc_q$3


module slotproof_card_top$regs$desc_q$4(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$desc_q$4


module slotproof_card_top$regs$desc_q$5(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$desc_q$5


module slotproof_card_top$regs$desc_q$6(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$desc_q$6


module slotproof_card_top$regs$desc_q$7(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$desc_q$7


module slotproof_card_top$regs$desc_q$8(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$desc_q$8


module slotproof_card_top$regs$desc_q$9(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$desc_q$9


module slotproof_card_top$regs$done_flag(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$done_flag


module slotproof_card_top$regs$error_flag(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$error_flag


module slotproof_card_top$regs$heartbeat(d,q,clock);
    
    // Module arguments
    input wire  [30:0] d;
    output reg  [30:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 31'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$heartbeat


module slotproof_card_top$regs$irq_enable(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$irq_enable


module slotproof_card_top$regs$payload(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$payload


module slotproof_card_top$regs$pending(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$pending


module slotproof_card_top$regs$prescale(d,q,clock);
    
    // Module arguments
    input wire  [15:0] d;
    output reg  [15:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 16'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$prescale


module slotproof_card_top$regs$r_data(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$r_data


module slotproof_card_top$regs$r_valid(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$r_valid


module slotproof_card_top$regs$res_crc(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$res_crc


module slotproof_card_top$regs$res_len(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$res_len


module slotproof_card_top$regs$seq(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$seq


module slotproof_card_top$regs$soft_pulse(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$soft_pulse


module slotproof_card_top$regs$w_data(d,q,clock);
    
    // Module arguments
    input wire  [31:0] d;
    output reg  [31:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 32'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$w_data


module slotproof_card_top$regs$w_full(d,q,clock);
    
    // Module arguments
    input wire  d;
    output reg  q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 1'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$w_full


module slotproof_card_top$regs$word(d,q,clock);
    
    // Module arguments
    input wire  [3:0] d;
    output reg  [3:0] q;
    input wire  clock;
    
    // Update code (custom)
    initial begin
       q = 4'h0;
    end
    
    always @(posedge clock) begin
       q <= d;
    end
          
endmodule // slotproof_card_top$regs$word
