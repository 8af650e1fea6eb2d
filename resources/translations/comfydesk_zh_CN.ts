<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About ComfyDesk</source>
        <translation>关于 ComfyDesk</translation>
    </message>
    <message>
        <source>ComfyDesk turns a ComfyUI server into a simple form: open a workflow, press Generate, and keep every picture.</source>
        <translation>ComfyDesk 把 ComfyUI 服务器变成一张简洁的表单：打开工作流，点击“生成”，每张图片都会妥善保存。</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>Server: ComfyUI {version}</source>
        <translation>服务器：ComfyUI {version}</translation>
    </message>
    <message>
        <source>(the built-in demo server: placeholder images, not AI)</source>
        <translation>（内置演示服务器：生成的是占位图片，并非 AI 作品）</translation>
    </message>
</context>
<context>
    <name>ChoiceEdit</name>
    <message>
        <source>Only on {servers}: a job using it runs there.</source>
        <translation>仅在 {servers} 上有：使用它的任务会在那里运行。</translation>
    </message>
</context>
<context>
    <name>ComfyDeskApp</name>
    <message>
        <source>Settings could not be saved: {error}</source>
        <translation>无法保存设置：{error}</translation>
    </message>
</context>
<context>
    <name>CompareWindow</name>
    <message>
        <source>Compare Pictures</source>
        <translation>比较图片</translation>
    </message>
    <message>
        <source>Side by side</source>
        <translation>并排</translation>
    </message>
    <message>
        <source>Slider</source>
        <translation>滑块</translation>
    </message>
    <message>
        <source>Left (A)</source>
        <translation>左侧 (A)</translation>
    </message>
    <message>
        <source>Right (B)</source>
        <translation>右侧 (B)</translation>
    </message>
</context>
<context>
    <name>Connection</name>
    <message>
        <source>Farm: {servers}</source>
        <translation>服务器组：{servers}</translation>
    </message>
    <message>
        <source>not answering</source>
        <translation>无响应</translation>
    </message>
    <message>
        <source>ComfyUI {version}</source>
        <translation>ComfyUI {version}</translation>
    </message>
    <message>
        <source>VRAM {free} of {total} GB free</source>
        <translation>显存可用 {free} / {total} GB</translation>
    </message>
    <message>
        <source>Queue: {count}</source>
        <translation>队列：{count}</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>Contacting ComfyUI at {url}…</source>
        <translation>正在联系位于 {url} 的 ComfyUI…</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <source>Authentication needed</source>
        <translation>需要身份验证</translation>
    </message>
    <message>
        <source>The server at {url} asks for an access token. Enter it in Connection settings.</source>
        <translation>位于 {url} 的服务器需要访问令牌，请在“连接设置”中填写。</translation>
    </message>
    <message>
        <source>Disconnected</source>
        <translation>已断开连接</translation>
    </message>
    <message>
        <source>ComfyUI is not running at {url} — start it, check the address, or try the demo server.</source>
        <translation>{url} 上没有运行 ComfyUI——请启动它、检查地址，或者试试演示服务器。</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>Connect to a ComfyUI server to start generating.</source>
        <translation>连接到 ComfyUI 服务器即可开始生成。</translation>
    </message>
    <message>
        <source>Contacting {count} ComfyUI servers…</source>
        <translation>正在联系 {count} 台 ComfyUI 服务器…</translation>
    </message>
    <message>
        <source>Connected — {up} of {total} servers</source>
        <translation>已连接——{total} 台服务器中 {up} 台在线</translation>
    </message>
    <message>
        <source>None of the farm&apos;s {count} servers answers — start them, or check their addresses in Connection settings.</source>
        <translation>服务器组的 {count} 台服务器都没有响应——请启动它们，或在“连接设置”中检查地址。</translation>
    </message>
    <message>
        <source>No system keyring is available, so the access token is kept only until ComfyDesk quits.</source>
        <translation>系统没有可用的密钥环，访问令牌只会保留到 ComfyDesk 退出为止。</translation>
    </message>
</context>
<context>
    <name>ConnectionBar</name>
    <message>
        <source>Address of the ComfyUI server</source>
        <translation>ComfyUI 服务器地址</translation>
    </message>
    <message>
        <source>Connection settings…</source>
        <translation>连接设置…</translation>
    </message>
    <message>
        <source>Access token, extra headers and certificate for this server</source>
        <translation>此服务器的访问令牌、附加请求头和证书</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>立即重试</translation>
    </message>
    <message>
        <source>Enter token…</source>
        <translation>输入令牌…</translation>
    </message>
    <message>
        <source>Try the demo server</source>
        <translation>试用演示服务器</translation>
    </message>
    <message>
        <source>Start a built-in stand-in server that draws placeholder pictures, not AI</source>
        <translation>启动内置的模拟服务器，它只绘制占位图片，不运行 AI</translation>
    </message>
    <message>
        <source>Reconnecting in {seconds} s</source>
        <translation>{seconds} 秒后重新连接</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>断开连接</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>“{text}” is not a server address like http://127.0.0.1:8188.</source>
        <translation>“{text}”不是有效的服务器地址，格式应类似 http://127.0.0.1:8188。</translation>
    </message>
    <message>
        <source>Switch server</source>
        <translation>切换服务器</translation>
    </message>
    <message>
        <source>Connect to {url}?</source>
        <translation>要连接到 {url} 吗？</translation>
    </message>
    <message numerus="yes">
        <source>Jobs of yours still queued or running on {url}: %n. They keep running there; ComfyDesk collects their pictures the next time you connect to it.</source>
        <translation>
            <numerusform>你在 {url} 上仍有 %n 个任务在排队或运行。它们会在那里继续运行；下次连接到该服务器时，ComfyDesk 会取回它们生成的图片。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConnectionBarNote</name>
    <message>
        <source>Hosted workflows</source>
        <translation>托管工作流</translation>
    </message>
    <message>
        <source>Runs on the hosted service; connect to a ComfyUI server to leave it.</source>
        <translation>在托管服务上运行；连接到 ComfyUI 服务器即可离开。</translation>
    </message>
</context>
<context>
    <name>ConnectionDialog</name>
    <message>
        <source>Connect to a ComfyUI server</source>
        <translation>连接服务器</translation>
    </message>
    <message>
        <source>Server address:</source>
        <translation>服务器地址：</translation>
    </message>
    <message>
        <source>Access token:</source>
        <translation>访问令牌：</translation>
    </message>
    <message>
        <source>Extra headers:</source>
        <translation>附加请求头：</translation>
    </message>
    <message>
        <source>CA certificate:</source>
        <translation>CA 证书：</translation>
    </message>
    <message>
        <source>Optional; sent as “Authorization: Bearer …”</source>
        <translation>可选；以“Authorization: Bearer …”形式发送</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Optional; one “Name: value” per line</source>
        <translation>可选；每行一个“名称: 值”</translation>
    </message>
    <message>
        <source>Optional; a PEM file for a self-signed server</source>
        <translation>可选；用于自签名服务器的 PEM 文件</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Connect to a hosted workflow service</source>
        <translation>连接托管工作流服务</translation>
    </message>
    <message>
        <source>Connect to several ComfyUI servers</source>
        <translation>连接多台 ComfyUI 服务器</translation>
    </message>
    <message>
        <source>Connection kind:</source>
        <translation>连接类型：</translation>
    </message>
    <message>
        <source>ComfyUI server</source>
        <translation>ComfyUI 服务器</translation>
    </message>
    <message>
        <source>Several ComfyUI servers (a farm)</source>
        <translation>多台 ComfyUI 服务器（服务器组）</translation>
    </message>
    <message>
        <source>Hosted workflow (GenStudio)</source>
        <translation>托管工作流（GenStudio）</translation>
    </message>
    <message>
        <source>The token, headers and API keys are kept in the system keyring, not in files.</source>
        <translation>令牌、请求头和 API 密钥保存在系统密钥环中，不会写入文件。</translation>
    </message>
    <message>
        <source>No system keyring is available: the token or API key is kept only until ComfyDesk quits, and never written to disk.</source>
        <translation>系统没有可用的密钥环：令牌或 API 密钥只保留到 ComfyDesk 退出为止，绝不写入磁盘。</translation>
    </message>
    <message>
        <source>This server is reached over plain HTTP without a token: anyone on the network can use it and see your prompts.</source>
        <translation>此服务器通过未加密的 HTTP 访问且未设置令牌：网络上的任何人都能使用它，并看到你的提示词。</translation>
    </message>
    <message>
        <source>Choose a CA certificate</source>
        <translation>选择 CA 证书</translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt *.cer)</source>
        <translation>证书 (*.pem *.crt *.cer)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>Extra headers, line {line}: write it as “Name: value”.</source>
        <translation>附加请求头第 {line} 行：请写成“名称: 值”的形式。</translation>
    </message>
    <message>
        <source>The CA certificate file does not exist.</source>
        <translation>CA 证书文件不存在。</translation>
    </message>
    <message>
        <source>The access token cannot contain spaces or line breaks.</source>
        <translation>访问令牌不能包含空格或换行。</translation>
    </message>
    <message>
        <source>Enter the server address, for example http://127.0.0.1:8188.</source>
        <translation>请输入服务器地址，例如 http://127.0.0.1:8188。</translation>
    </message>
    <message>
        <source>The address must start with http:// or https://.</source>
        <translation>地址必须以 http:// 或 https:// 开头。</translation>
    </message>
    <message>
        <source>The address has no valid host name.</source>
        <translation>地址中没有有效的主机名。</translation>
    </message>
    <message>
        <source>Leave user names and passwords out of the address; use the access token field.</source>
        <translation>请不要把用户名和密码写进地址，改用“访问令牌”一栏。</translation>
    </message>
    <message>
        <source>Leave ?… and #… out of the address.</source>
        <translation>地址中不要包含 ?… 和 #… 部分。</translation>
    </message>
    <message>
        <source>The port number is not valid.</source>
        <translation>端口号无效。</translation>
    </message>
</context>
<context>
    <name>DamageBanner</name>
    <message>
        <source>Check Library</source>
        <translation>检查作品库</translation>
    </message>
    <message>
        <source>The damaged file was kept as {name}.</source>
        <translation>损坏的文件已保留为 {name}。</translation>
    </message>
    <message>
        <source>The library&apos;s catalogue could not be read ({reason}), so a new one was started: new pictures are kept as always.</source>
        <translation>无法读取作品库的目录（{reason}），已新建一个目录：新图片照常保存。</translation>
    </message>
    <message>
        <source>Your pictures are still in the library folder: Check Library lists them again.</source>
        <translation>你的图片仍在作品库文件夹中：点“检查作品库”即可重新列出它们。</translation>
    </message>
</context>
<context>
    <name>ErrorDialog</name>
    <message>
        <source>Something went wrong</source>
        <translation>出错了</translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation>复制详细信息</translation>
    </message>
    <message>
        <source>ComfyDesk ran into {count} unexpected problems. It keeps running; your work is safe.</source>
        <translation>ComfyDesk 遇到了 {count} 个意外问题。程序仍在运行，你的工作不会丢失。</translation>
    </message>
    <message>
        <source>ComfyDesk ran into an unexpected problem. It keeps running; your work is safe.</source>
        <translation>ComfyDesk 遇到了一个意外问题。程序仍在运行，你的工作不会丢失。</translation>
    </message>
</context>
<context>
    <name>ErrorText</name>
    <message>
        <source>ComfyUI is not reachable at {url}{detail}. Start it, check the address, or try the demo server.</source>
        <translation>无法连接到位于 {url} 的 ComfyUI{detail}。请启动它、检查地址，或试用演示服务器。</translation>
    </message>
    <message>
        <source>The server at {url} asks for a login. Add an access token or the header your proxy expects in the connection settings.</source>
        <translation>位于 {url} 的服务器要求登录。请在连接设置中添加访问令牌或代理所需的请求头。</translation>
    </message>
    <message>
        <source>Unexpected answer from the server: {detail}</source>
        <translation>服务器的回答出乎意料：{detail}</translation>
    </message>
    <message>
        <source>The server does not have what was asked for (404).</source>
        <translation>服务器上没有所请求的内容 (404)。</translation>
    </message>
    <message>
        <source>The file is larger than the server accepts (413).</source>
        <translation>文件超过了服务器允许的大小 (413)。</translation>
    </message>
    <message>
        <source>The server failed while handling the request ({status}).</source>
        <translation>服务器处理请求时出错 ({status})。</translation>
    </message>
    <message>
        <source>The server refused the request ({status}).</source>
        <translation>服务器拒绝了请求 ({status})。</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export Pictures</source>
        <translation>导出图片</translation>
    </message>
    <message numerus="yes">
        <source>Copy %n picture(s) to this folder:</source>
        <translation>
            <numerusform>将 %n 张图片复制到此文件夹：</numerusform>
        </translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Keep the prompt and workflow in the files</source>
        <translation>在文件中保留提示词和工作流</translation>
    </message>
    <message>
        <source>Unticked, the pictures are saved again without any metadata: nobody can see how they were made.</source>
        <translation>取消勾选后，图片会重新保存且不含任何元数据：别人无法看出它们是如何生成的。</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Export Pictures To</source>
        <translation>将图片导出到</translation>
    </message>
</context>
<context>
    <name>FarmSettingsPage</name>
    <message>
        <source>Use several ComfyUI servers as one: each job goes to a server that has its models, the one with the shortest wait. If a server stops, its jobs finish on another.</source>
        <translation>把多台 ComfyUI 服务器当作一台使用：每个任务会发往拥有所需模型、等待时间最短的服务器。某台服务器停止时，它的任务会在另一台上完成。</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Access token</source>
        <translation>访问令牌</translation>
    </message>
    <message>
        <source>Add a server</source>
        <translation>添加服务器</translation>
    </message>
    <message>
        <source>e.g. Desk GPU</source>
        <translation>例如：桌面显卡</translation>
    </message>
    <message>
        <source>Optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Server {number}: “{text}” is not an address like {example}.</source>
        <translation>第 {number} 台服务器：“{text}”不是有效地址，格式应类似 {example}。</translation>
    </message>
    <message>
        <source>{url} is in the list twice.</source>
        <translation>{url} 在列表中出现了两次。</translation>
    </message>
    <message>
        <source>The access token cannot contain spaces or line breaks.</source>
        <translation>访问令牌不能包含空格或换行。</translation>
    </message>
    <message>
        <source>Give each server its own name.</source>
        <translation>请为每台服务器起一个不同的名称。</translation>
    </message>
    <message>
        <source>Add the address of at least one server.</source>
        <translation>请至少添加一台服务器的地址。</translation>
    </message>
</context>
<context>
    <name>FolderImport</name>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop importing; what is imported stays, and Import resumes from there</source>
        <translation>停止导入；已导入的图片会保留，再次导入时从这里继续</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Importing “{name}” stopped: {reason}</source>
        <translation>导入“{name}”时停止：{reason}</translation>
    </message>
    <message>
        <source>Importing “{name}” did not finish last time.</source>
        <translation>上次导入“{name}”没有完成。</translation>
    </message>
    <message>
        <source>Looking for pictures in “{name}”…</source>
        <translation>正在“{name}”中查找图片…</translation>
    </message>
    <message>
        <source>Importing “{name}” stopped.</source>
        <translation>导入“{name}”已停止。</translation>
    </message>
    <message>
        <source>No pictures found in “{name}”.</source>
        <translation>在“{name}”中没有找到图片。</translation>
    </message>
    <message>
        <source>{done} of {total} · {new} new · {failed} unreadable</source>
        <translation>{done} / {total} · 新增 {new} · 无法读取 {failed}</translation>
    </message>
    <message>
        <source>Importing “{name}”: {counts}</source>
        <translation>正在导入“{name}”：{counts}</translation>
    </message>
    <message>
        <source>Import of “{name}” stopped at {counts}</source>
        <translation>导入“{name}”停在 {counts}</translation>
    </message>
    <message>
        <source>Imported “{name}”: {counts}</source>
        <translation>已导入“{name}”：{counts}</translation>
    </message>
</context>
<context>
    <name>FormErrors</name>
    <message>
        <source>“{value}” is not available on the server.</source>
        <translation>服务器上没有“{value}”。</translation>
    </message>
    <message>
        <source>Must be at most {limit}.</source>
        <translation>不能大于 {limit}。</translation>
    </message>
    <message>
        <source>Must be at least {limit}.</source>
        <translation>不能小于 {limit}。</translation>
    </message>
    <message>
        <source>“{value}” is not a valid value here.</source>
        <translation>“{value}”不是有效的值。</translation>
    </message>
    <message>
        <source>A value is required.</source>
        <translation>必须填写此项。</translation>
    </message>
    <message>
        <source>The connection into this input is broken; re-open the workflow in ComfyUI.</source>
        <translation>此输入的连线已断开，请在 ComfyUI 中重新打开该工作流。</translation>
    </message>
    <message>
        <source>The server refused this value.</source>
        <translation>服务器拒绝了此值。</translation>
    </message>
    <message>
        <source>A node</source>
        <translation>某个节点</translation>
    </message>
    <message>
        <source>{node}: the server refused this node.</source>
        <translation>{node}：服务器拒绝了此节点。</translation>
    </message>
    <message>
        <source>This workflow has no output node (such as Save Image), so nothing would run.</source>
        <translation>此工作流没有输出节点（例如“保存图像”），因此不会运行任何内容。</translation>
    </message>
    <message>
        <source>The server refused the workflow.</source>
        <translation>服务器拒绝了此工作流。</translation>
    </message>
</context>
<context>
    <name>FormLabel</name>
    <message>
        <source>Upscale model</source>
        <translation>放大模型</translation>
    </message>
    <message>
        <source>Scale</source>
        <translation>缩放倍数</translation>
    </message>
    <message>
        <source>Mask</source>
        <translation>遮罩</translation>
    </message>
    <message>
        <source>Model type</source>
        <translation>模型类型</translation>
    </message>
    <message>
        <source>ControlNet strength</source>
        <translation>ControlNet 强度</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Prompt (G)</source>
        <translation>提示词 (G)</translation>
    </message>
    <message>
        <source>Prompt (L)</source>
        <translation>提示词 (L)</translation>
    </message>
    <message>
        <source>Checkpoint</source>
        <translation>模型 (Checkpoint)</translation>
    </message>
    <message>
        <source>VAE</source>
        <translation>VAE</translation>
    </message>
    <message>
        <source>Diffusion model</source>
        <translation>扩散模型</translation>
    </message>
    <message>
        <source>Weight type</source>
        <translation>权重类型</translation>
    </message>
    <message>
        <source>Text encoder</source>
        <translation>文本编码器</translation>
    </message>
    <message>
        <source>Text encoder 1</source>
        <translation>文本编码器 1</translation>
    </message>
    <message>
        <source>Text encoder 2</source>
        <translation>文本编码器 2</translation>
    </message>
    <message>
        <source>Text encoder 3</source>
        <translation>文本编码器 3</translation>
    </message>
    <message>
        <source>Text encoder 4</source>
        <translation>文本编码器 4</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>LoRA</source>
        <translation>LoRA</translation>
    </message>
    <message>
        <source>LoRA strength (model)</source>
        <translation>LoRA 强度（模型）</translation>
    </message>
    <message>
        <source>LoRA strength (CLIP)</source>
        <translation>LoRA 强度（CLIP）</translation>
    </message>
    <message>
        <source>ControlNet model</source>
        <translation>ControlNet 模型</translation>
    </message>
    <message>
        <source>Strength</source>
        <translation>强度</translation>
    </message>
    <message>
        <source>Start at</source>
        <translation>开始于</translation>
    </message>
    <message>
        <source>End at</source>
        <translation>结束于</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>宽度</translation>
    </message>
    <message>
        <source>Height</source>
        <translation>高度</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批次大小</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>CFG</source>
        <translation>CFG</translation>
    </message>
    <message>
        <source>Guidance</source>
        <translation>引导强度</translation>
    </message>
    <message>
        <source>Sampler</source>
        <translation>采样器</translation>
    </message>
    <message>
        <source>Scheduler</source>
        <translation>调度器</translation>
    </message>
    <message>
        <source>Denoise</source>
        <translation>降噪</translation>
    </message>
    <message>
        <source>Add noise</source>
        <translation>添加噪声</translation>
    </message>
    <message>
        <source>Start at step</source>
        <translation>开始步数</translation>
    </message>
    <message>
        <source>End at step</source>
        <translation>结束步数</translation>
    </message>
    <message>
        <source>Return leftover noise</source>
        <translation>返回剩余噪声</translation>
    </message>
    <message>
        <source>Shift</source>
        <translation>偏移</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>通道</translation>
    </message>
    <message>
        <source>Grow mask by</source>
        <translation>遮罩扩展</translation>
    </message>
    <message>
        <source>Upscale method</source>
        <translation>缩放算法</translation>
    </message>
    <message>
        <source>Scale by</source>
        <translation>缩放倍数</translation>
    </message>
    <message>
        <source>Megapixels</source>
        <translation>百万像素</translation>
    </message>
    <message>
        <source>Crop</source>
        <translation>裁剪</translation>
    </message>
    <message>
        <source>File name prefix</source>
        <translation>文件名前缀</translation>
    </message>
    <message>
        <source>Stop at CLIP layer</source>
        <translation>CLIP 停止层</translation>
    </message>
    <message>
        <source>Aesthetic score</source>
        <translation>美学评分</translation>
    </message>
    <message>
        <source>Crop width</source>
        <translation>裁剪宽度</translation>
    </message>
    <message>
        <source>Crop height</source>
        <translation>裁剪高度</translation>
    </message>
    <message>
        <source>Target width</source>
        <translation>目标宽度</translation>
    </message>
    <message>
        <source>Target height</source>
        <translation>目标高度</translation>
    </message>
</context>
<context>
    <name>FormModel</name>
    <message>
        <source>“{value}” is not available on this server.</source>
        <translation>“{value}”在此服务器上不可用。</translation>
    </message>
    <message>
        <source>“{value}” is not available on this server — choose one from its list.</source>
        <translation>此服务器上没有“{value}”——请从列表中选择一个。</translation>
    </message>
    <message>
        <source>The image “{name}” is not on the server — upload it or choose another.</source>
        <translation>服务器上没有图像“{name}”——请上传它或选择其他图像。</translation>
    </message>
    <message>
        <source>No workflow is open.</source>
        <translation>尚未打开工作流。</translation>
    </message>
    <message>
        <source>{node}: {message}</source>
        <translation>{node}：{message}</translation>
    </message>
    <message>
        <source>This workflow needs the custom nodes {names} — install them on the server.</source>
        <translation>此工作流需要自定义节点 {names}——请在服务器上安装它们。</translation>
    </message>
</context>
<context>
    <name>FormSection</name>
    <message>
        <source>Advanced</source>
        <translation>高级</translation>
    </message>
</context>
<context>
    <name>FormView</name>
    <message>
        <source>Reset all</source>
        <translation>全部重置</translation>
    </message>
    <message>
        <source>Put every value back to the workflow&apos;s own</source>
        <translation>把所有值恢复为工作流中的原始值</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <source>Save the workflow with these values (API format)</source>
        <translation>用这些值保存工作流（API 格式）</translation>
    </message>
    <message>
        <source>Open a workflow to see its settings here.</source>
        <translation>打开一个工作流，即可在这里看到它的设置。</translation>
    </message>
    <message>
        <source>Positive prompt</source>
        <translation>正向提示词</translation>
    </message>
    <message>
        <source>Negative prompt</source>
        <translation>反向提示词</translation>
    </message>
    <message>
        <source>Uploading…</source>
        <translation>正在上传…</translation>
    </message>
    <message>
        <source>Save workflow as</source>
        <translation>工作流另存为</translation>
    </message>
    <message>
        <source>Workflow (API format) (*.json)</source>
        <translation>工作流（API 格式）(*.json)</translation>
    </message>
    <message>
        <source>Could not save {file}: {reason}</source>
        <translation>无法保存 {file}：{reason}</translation>
    </message>
    <message>
        <source>Saved {file}</source>
        <translation>已保存 {file}</translation>
    </message>
</context>
<context>
    <name>GalleryController</name>
    <message>
        <source>Delete Pictures</source>
        <translation>删除图片</translation>
    </message>
    <message numerus="yes">
        <source>Move %n picture(s) to the trash?</source>
        <translation>
            <numerusform>要把这 %n 张图片移到回收站吗？</numerusform>
        </translation>
    </message>
    <message>
        <source>Move this picture to the trash?</source>
        <translation>要把这张图片移到回收站吗？</translation>
    </message>
    <message>
        <source>They are removed from the library as well.</source>
        <translation>它们也会从作品库中移除。</translation>
    </message>
    <message>
        <source>Move to Trash</source>
        <translation>移到回收站</translation>
    </message>
    <message>
        <source>Some pictures could not be deleted: {reasons}</source>
        <translation>部分图片无法删除：{reasons}</translation>
    </message>
    <message numerus="yes">
        <source>No trash is available here: %n file(s) were deleted for good.</source>
        <translation>
            <numerusform>此处没有可用的回收站：%n 个文件已被永久删除。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %n picture(s) to the trash.</source>
        <translation>
            <numerusform>已将 %n 张图片移到回收站。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n picture(s) to {folder}.</source>
        <translation>
            <numerusform>已将 %n 张图片导出到 {folder}。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Kept %n picture(s) in the library.</source>
        <translation>
            <numerusform>已将 %n 张图片保存到作品库。</numerusform>
        </translation>
    </message>
    <message>
        <source>Library checked: {removed}, {added}.</source>
        <translation>作品库检查完毕：{removed}，{added}。</translation>
    </message>
    <message numerus="yes">
        <source>%n missing file(s) removed</source>
        <translation>
            <numerusform>移除了 %n 个缺失文件的记录</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) added back</source>
        <translation>
            <numerusform>重新收录了 %n 个文件</numerusform>
        </translation>
    </message>
    <message>
        <source>Export finished with problems: {error}</source>
        <translation>导出已完成，但出现问题：{error}</translation>
    </message>
    <message>
        <source>Checking the library…</source>
        <translation>正在检查作品库…</translation>
    </message>
    <message>
        <source>The library is in order.</source>
        <translation>作品库一切正常。</translation>
    </message>
    <message numerus="yes">
        <source>%n extra copy(ies) of kept pictures removed.</source>
        <translation>
            <numerusform>已删除 %n 个已保存图片的多余副本。</numerusform>
        </translation>
    </message>
    <message>
        <source>The library is not open.</source>
        <translation>作品库尚未打开。</translation>
    </message>
</context>
<context>
    <name>GalleryParams</name>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Negative prompt</source>
        <translation>反向提示词</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>CFG</source>
        <translation>CFG</translation>
    </message>
    <message>
        <source>Sampler</source>
        <translation>采样器</translation>
    </message>
    <message>
        <source>Scheduler</source>
        <translation>调度器</translation>
    </message>
    <message>
        <source>Denoise</source>
        <translation>降噪</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
</context>
<context>
    <name>GalleryView</name>
    <message>
        <source>Library</source>
        <translation>作品库</translation>
    </message>
    <message>
        <source>Server history</source>
        <translation>服务器历史</translation>
    </message>
    <message>
        <source>Search prompts, models, file names, seeds or dates (2026-12-03)</source>
        <translation>搜索提示词、模型、文件名、种子或日期（2026-12-03）</translation>
    </message>
    <message>
        <source>Starred</source>
        <translation>已加星标</translation>
    </message>
    <message>
        <source>More: import a folder, refresh, check the library</source>
        <translation>更多：导入文件夹、刷新、检查作品库</translation>
    </message>
    <message>
        <source>Show only starred pictures</source>
        <translation>只显示加了星标的图片</translation>
    </message>
    <message>
        <source>Star</source>
        <translation>星标</translation>
    </message>
    <message>
        <source>Star or unstar the selected pictures (S)</source>
        <translation>为所选图片添加或取消星标 (S)</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>Copy the selected pictures into the library</source>
        <translation>把所选图片复制到作品库</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Move the selected pictures to the trash</source>
        <translation>把所选图片移到回收站</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Copy the selected pictures to a folder</source>
        <translation>把所选图片复制到文件夹</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
    <message>
        <source>Compare two selected pictures</source>
        <translation>比较所选的两张图片</translation>
    </message>
    <message>
        <source>Check Library</source>
        <translation>检查作品库</translation>
    </message>
    <message>
        <source>Find missing files and files the catalogue does not know</source>
        <translation>查找缺失的文件，以及目录中没有记录的文件</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Reload the list (F5)</source>
        <translation>重新加载列表 (F5)</translation>
    </message>
    <message>
        <source>Import a Folder…</source>
        <translation>导入文件夹…</translation>
    </message>
    <message>
        <source>Bring the pictures of a folder (e.g. ComfyUI&apos;s output folder) into the library, with their prompts; run it again to resume</source>
        <translation>把一个文件夹（例如 ComfyUI 的 output 文件夹）中的图片连同提示词导入作品库；再次运行即可从中断处继续</translation>
    </message>
    <message numerus="yes">
        <source>%n+ picture(s)</source>
        <translation>
            <numerusform>%n+ 张图片</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n picture(s)</source>
        <translation>
            <numerusform>%n 张图片</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing matches</source>
        <translation>没有匹配的图片</translation>
    </message>
    <message>
        <source>Try other words, or clear the filter.</source>
        <translation>换个关键词试试，或清除筛选条件。</translation>
    </message>
    <message>
        <source>The server remembers nothing yet</source>
        <translation>服务器暂无历史记录</translation>
    </message>
    <message>
        <source>Pictures the server made since it started appear here.</source>
        <translation>服务器自本次启动以来生成的图片会显示在这里。</translation>
    </message>
    <message>
        <source>The gallery is empty</source>
        <translation>图库是空的</translation>
    </message>
    <message>
        <source>Every picture you generate is kept here, even when the server is gone.</source>
        <translation>你生成的每张图片都保存在这里，即使服务器不在线也能查看。</translation>
    </message>
    <message>
        <source>Import the Pictures of a Folder</source>
        <translation>导入文件夹中的图片</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
</context>
<context>
    <name>GenerateBar</name>
    <message>
        <source>How many pictures to queue with one press of Generate</source>
        <translation>按一次“生成”要加入队列的图片数量</translation>
    </message>
    <message>
        <source>More ways to generate</source>
        <translation>更多生成方式</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop your picture that is being made now (Esc)</source>
        <translation>停止你正在生成的图片（Esc）</translation>
    </message>
    <message>
        <source>Generate ×{count}</source>
        <translation>生成 ×{count}</translation>
    </message>
    <message>
        <source>Queue {count} jobs with the values in the form (Ctrl+Enter)</source>
        <translation>按表单中的参数把 {count} 个任务加入队列（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Queue a job with the values in the form (Ctrl+Enter)</source>
        <translation>按表单中的参数把一个任务加入队列（Ctrl+Enter）</translation>
    </message>
</context>
<context>
    <name>HostedBackend</name>
    <message>
        <source>No system keyring: the API key is kept only until ComfyDesk quits.</source>
        <translation>没有系统密钥环：API 密钥只保留到 ComfyDesk 退出为止。</translation>
    </message>
    <message>
        <source>Enter the API key of the hosted service in Connection settings.</source>
        <translation>请在“连接设置”中填写托管服务的 API 密钥。</translation>
    </message>
    <message numerus="yes">
        <source>Watching %n job(s) sent before ComfyDesk last quit.</source>
        <translation>
            <numerusform>正在跟踪 ComfyDesk 上次退出前发送的 %n 个任务。</numerusform>
        </translation>
    </message>
    <message>
        <source>Using the hosted workflow service at {url}.</source>
        <translation>正在使用位于 {url} 的托管工作流服务。</translation>
    </message>
    <message>
        <source>The hosted service answers again.</source>
        <translation>托管服务已恢复响应。</translation>
    </message>
    <message>
        <source>Opening “{name}”…</source>
        <translation>正在打开“{name}”…</translation>
    </message>
    <message>
        <source>Could not read “{name}”: {reason}</source>
        <translation>无法读取“{name}”：{reason}</translation>
    </message>
    <message>
        <source>This is the workflow as uploaded: its ranges and choices are not known. Save the parameter list from the console and open it for the full form.</source>
        <translation>这是上传时的工作流：不知道各参数的范围和选项。请从控制台保存参数列表并打开它，以获得完整的表单。</translation>
    </message>
    <message>
        <source>Open the hosted workflow&apos;s parameter list (or its workflow file) first.</source>
        <translation>请先打开托管工作流的参数列表（或其工作流文件）。</translation>
    </message>
    <message>
        <source>Add this workflow&apos;s id (wf-…) in Connection settings, then choose it.</source>
        <translation>请在“连接设置”中添加此工作流的 ID（wf-…），然后选择它。</translation>
    </message>
    <message>
        <source>The job was not sent: {reason}</source>
        <translation>任务未发送：{reason}</translation>
    </message>
    <message numerus="yes">
        <source>Sent %n job(s) to the hosted service.</source>
        <translation>
            <numerusform>已向托管服务发送 %n 个任务。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HostedBar</name>
    <message>
        <source>Runs as:</source>
        <translation>运行为：</translation>
    </message>
    <message>
        <source>The published workflow this file runs as</source>
        <translation>此文件所对应运行的已发布工作流</translation>
    </message>
    <message>
        <source>Hosted workflow (GenStudio) — demo stand-in, placeholder pictures</source>
        <translation>托管工作流（GenStudio）——演示用模拟服务，生成占位图片</translation>
    </message>
    <message>
        <source>Hosted workflow (GenStudio) at {url}</source>
        <translation>位于 {url} 的托管工作流（GenStudio）</translation>
    </message>
</context>
<context>
    <name>HostedSettingsPage</name>
    <message>
        <source>Service address:</source>
        <translation>服务地址：</translation>
    </message>
    <message>
        <source>API key:</source>
        <translation>API 密钥：</translation>
    </message>
    <message>
        <source>Workflows:</source>
        <translation>工作流：</translation>
    </message>
    <message>
        <source>The key from the provider&apos;s console</source>
        <translation>服务商控制台中的密钥</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Workflow id</source>
        <translation>工作流 ID</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Each published workflow you run: its id (wf-…) and a name you choose</source>
        <translation>你要运行的每个已发布工作流：它的 ID（wf-…）和你起的名称</translation>
    </message>
    <message>
        <source>Add workflow</source>
        <translation>添加工作流</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Enter the API key from the provider&apos;s console.</source>
        <translation>请填写服务商控制台中的 API 密钥。</translation>
    </message>
    <message>
        <source>The API key cannot contain spaces or line breaks.</source>
        <translation>API 密钥不能包含空格或换行。</translation>
    </message>
    <message>
        <source>Row {row}: enter the workflow id (wf-…) without spaces.</source>
        <translation>第 {row} 行：请填写不含空格的工作流 ID（wf-…）。</translation>
    </message>
    <message>
        <source>Add at least one workflow id (wf-…).</source>
        <translation>请至少添加一个工作流 ID（wf-…）。</translation>
    </message>
</context>
<context>
    <name>HostedText</name>
    <message>
        <source>The hosted service refused the API key{status}. Check the key in Connection settings.</source>
        <translation>托管服务拒绝了 API 密钥{status}。请在“连接设置”中检查密钥。</translation>
    </message>
    <message>
        <source>The hosted service refused the request: {msg} (code {code}).</source>
        <translation>托管服务拒绝了请求：{msg}（代码 {code}）。</translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation>未说明原因</translation>
    </message>
    <message>
        <source>The hosted service is not reachable. Check the network; ComfyDesk keeps trying.</source>
        <translation>无法连接托管服务。请检查网络；ComfyDesk 会持续重试。</translation>
    </message>
    <message>
        <source>The hosted workflow failed: {msg}</source>
        <translation>托管工作流运行失败：{msg}</translation>
    </message>
    <message>
        <source>The download link for a result has expired ({status}).</source>
        <translation>结果的下载链接已过期（{status}）。</translation>
    </message>
    <message>
        <source>A result could not be downloaded ({reason}).</source>
        <translation>有一个结果无法下载（{reason}）。</translation>
    </message>
    <message>
        <source>Unexpected answer from the hosted service: {detail}</source>
        <translation>托管服务的回答出乎意料：{detail}</translation>
    </message>
    <message>
        <source>This API key may not run this workflow. Ask the workflow&apos;s owner for access, or use the key of the account that published it.</source>
        <translation>此 API 密钥无权运行这个工作流。请向工作流的所有者申请权限，或使用发布它的账号的密钥。</translation>
    </message>
    <message>
        <source>The hosted service cannot cancel a job once it is sent: it may still run. ComfyDesk stopped watching it and will not download its results.</source>
        <translation>托管服务无法取消已发送的任务：它可能仍会运行。ComfyDesk 已停止跟踪该任务，也不会下载它的结果。</translation>
    </message>
    <message>
        <source>No live preview on hosted workflows</source>
        <translation>托管工作流没有实时预览</translation>
    </message>
    <message>
        <source>sending…</source>
        <translation>正在发送…</translation>
    </message>
    <message>
        <source>queued (position {position})</source>
        <translation>排队中（第 {position} 位）</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>running</source>
        <translation>正在运行</translation>
    </message>
    <message>
        <source>The hosted service is not answering; trying again in {seconds} s. Nothing is lost.</source>
        <translation>托管服务没有响应；{seconds} 秒后重试。不会丢失任何内容。</translation>
    </message>
</context>
<context>
    <name>ImageInput</name>
    <message>
        <source>Drop an image here, or paste one with Ctrl+V</source>
        <translation>把图片拖到这里，或按 Ctrl+V 粘贴</translation>
    </message>
    <message>
        <source>Choose file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <source>No preview</source>
        <translation>无预览</translation>
    </message>
    <message>
        <source>Choose an image</source>
        <translation>选择图片</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.webp *.bmp *.gif *.tif *.tiff)</source>
        <translation>图片 (*.png *.jpg *.jpeg *.webp *.bmp *.gif *.tif *.tiff)</translation>
    </message>
</context>
<context>
    <name>ImageViewer</name>
    <message>
        <source>Picture</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适合窗口</translation>
    </message>
    <message>
        <source>100 %</source>
        <translation>100 %</translation>
    </message>
    <message>
        <source>Zoom In</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Zoom Out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>上一张</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一张</translation>
    </message>
    <message>
        <source>Star</source>
        <translation>星标</translation>
    </message>
    <message>
        <source>Keep in Library</source>
        <translation>保存到作品库</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Reuse Parameters</source>
        <translation>复用参数</translation>
    </message>
    <message>
        <source>Reuse Seed</source>
        <translation>复用种子</translation>
    </message>
    <message>
        <source>Copy Image</source>
        <translation>复制图片</translation>
    </message>
    <message>
        <source>Copy Prompt</source>
        <translation>复制提示词</translation>
    </message>
    <message>
        <source>Save As…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <source>Open Containing Folder</source>
        <translation>打开所在文件夹</translation>
    </message>
    <message>
        <source>Drag the picture from here into another app</source>
        <translation>从这里把图片拖到其他应用中</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>This picture carries no workflow to reuse.</source>
        <translation>这张图片中没有可复用的工作流。</translation>
    </message>
    <message>
        <source>Save Picture As</source>
        <translation>图片另存为</translation>
    </message>
    <message>
        <source>Saved to {path}</source>
        <translation>已保存到 {path}</translation>
    </message>
</context>
<context>
    <name>JobDetails</name>
    <message>
        <source>Stop this job; other people&apos;s jobs are not touched</source>
        <translation>停止此任务；不会影响其他人的任务</translation>
    </message>
    <message>
        <source>Run again</source>
        <translation>再次运行</translation>
    </message>
    <message>
        <source>Queue the same prompt again, with the same seeds</source>
        <translation>用相同的种子把同一提示再次加入队列</translation>
    </message>
    <message>
        <source>Show parameters</source>
        <translation>显示参数</translation>
    </message>
    <message>
        <source>Load into form</source>
        <translation>载入表单</translation>
    </message>
    <message>
        <source>Put this job&apos;s parameters into the form</source>
        <translation>把此任务的参数填入表单</translation>
    </message>
    <message>
        <source>Technical details</source>
        <translation>技术细节</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>JobNotifier</name>
    <message numerus="yes">
        <source>{title}: %n image(s) in {time}</source>
        <translation>
            <numerusform>{title}：{time} 内生成了 %n 张图片</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{title}: %n image(s)</source>
        <translation>
            <numerusform>{title}：%n 张图片</numerusform>
        </translation>
    </message>
    <message>
        <source>Your image is ready</source>
        <translation>你的图片已生成</translation>
    </message>
    <message>
        <source>A job failed</source>
        <translation>有任务失败了</translation>
    </message>
    <message>
        <source>A job was lost</source>
        <translation>有任务丢失了</translation>
    </message>
    <message numerus="yes">
        <source>%n job(s) did not finish</source>
        <translation>
            <numerusform>%n 个任务未完成</numerusform>
        </translation>
    </message>
    <message>
        <source>Your images are ready</source>
        <translation>你的图片已生成</translation>
    </message>
    <message numerus="yes">
        <source>%n job(s) done</source>
        <translation>
            <numerusform>%n 个任务已完成</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n image(s)</source>
        <translation>
            <numerusform>%n 张图片</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{percent}% — %n job(s) left</source>
        <translation>
            <numerusform>{percent}%——还剩 %n 个任务</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>JobText</name>
    <message>
        <source>Waiting for the server…</source>
        <translation>正在等待服务器…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>正在发送…</translation>
    </message>
    <message>
        <source>Queued — position {position}</source>
        <translation>排队中——第 {position} 位</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>Queued — next</source>
        <translation>排队中——下一个</translation>
    </message>
    <message>
        <source>Queued — {ahead} ahead</source>
        <translation>排队中——前面还有 {ahead} 个</translation>
    </message>
    <message>
        <source>Step {step}/{steps}</source>
        <translation>第 {step}/{steps} 步</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Lost</source>
        <translation>已丢失</translation>
    </message>
    <message>
        <source>Not accepted by the server</source>
        <translation>服务器未接受</translation>
    </message>
    <message>
        <source>on {server}</source>
        <translation>在 {server} 上</translation>
    </message>
    <message>
        <source>took {time}</source>
        <translation>用时 {time}</translation>
    </message>
    <message>
        <source>{time} elapsed</source>
        <translation>已用 {time}</translation>
    </message>
    <message>
        <source>about {time} left</source>
        <translation>大约还剩 {time}</translation>
    </message>
    <message>
        <source>The server no longer knows this job — it was probably restarted.</source>
        <translation>服务器已不认识此任务——它可能重启过。</translation>
    </message>
    <message>
        <source>The job disappeared from the server&apos;s queue without running.</source>
        <translation>此任务未运行就从服务器队列中消失了。</translation>
    </message>
    <message>
        <source>The server finished this job but keeps no record of it (its history was cleared).</source>
        <translation>服务器已完成此任务，但没有保留记录（其历史已被清除）。</translation>
    </message>
    <message>
        <source>The server reported an error.</source>
        <translation>服务器报告了一个错误。</translation>
    </message>
    <message>
        <source>The job was not sent.</source>
        <translation>任务未能发送。</translation>
    </message>
    <message>
        <source>The model file is damaged or is not a model file (an incomplete download, or another kind of file renamed). Download it again, or choose another model.</source>
        <translation>模型文件已损坏，或者根本不是模型文件（可能没有下载完整，或是被改了扩展名的其他文件）。请重新下载，或选择其他模型。</translation>
    </message>
    <message>
        <source>The server ran out of graphics memory. Try a smaller width, height or batch size, close other programs that use the graphics card, or start ComfyUI with --lowvram.</source>
        <translation>服务器的显存不足。请尝试减小宽度、高度或批次大小，关闭其他占用显卡的程序，或用 --lowvram 参数启动 ComfyUI。</translation>
    </message>
    <message>
        <source>This model is not the kind this node needs (for example a LoRA or an SDXL model where an SD 1.5 checkpoint belongs). Choose a model made for this node and the others in the workflow.</source>
        <translation>此模型不是该节点所需的类型（例如在需要 SD 1.5 checkpoint 的地方用了 LoRA 或 SDXL 模型）。请选择适用于此节点及工作流中其他节点的模型。</translation>
    </message>
    <message>
        <source>The server does not have the node “{name}”. Install the custom node on the server (ComfyUI-Manager can do it) and restart ComfyUI.</source>
        <translation>服务器上没有节点“{name}”。请在服务器上安装该自定义节点（可以用 ComfyUI-Manager 安装），然后重启 ComfyUI。</translation>
    </message>
    <message>
        <source>A custom node on the server lacks the Python package “{name}”. Install that custom node&apos;s requirements on the server and restart ComfyUI.</source>
        <translation>服务器上的某个自定义节点缺少 Python 包“{name}”。请在服务器上安装该自定义节点的依赖，然后重启 ComfyUI。</translation>
    </message>
    <message>
        <source>A file this node reads is not on the server. Choose another file, or copy it to the server&apos;s folder.</source>
        <translation>服务器上没有此节点要读取的文件。请选择其他文件，或把它复制到服务器的相应文件夹中。</translation>
    </message>
    <message>
        <source>{node}: {message}</source>
        <translation>{node}：{message}</translation>
    </message>
</context>
<context>
    <name>JobsViewModel</name>
    <message>
        <source>Could not run the job again: {reason}</source>
        <translation>无法再次运行该任务：{reason}</translation>
    </message>
    <message>
        <source>Could not cancel your jobs: {reason}</source>
        <translation>无法取消你的任务：{reason}</translation>
    </message>
    <message>
        <source>Could not stop the job: {reason}</source>
        <translation>无法停止该任务：{reason}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>No workflow open</source>
        <translation>尚未打开工作流</translation>
    </message>
    <message>
        <source>Open a workflow — or drop a .json or a ComfyUI image here.</source>
        <translation>打开一个工作流，或者把 .json 文件或 ComfyUI 生成的图片拖到这里。</translation>
    </message>
    <message>
        <source>Open workflow…</source>
        <translation>打开工作流…</translation>
    </message>
    <message>
        <source>Nothing generated yet</source>
        <translation>还没有生成内容</translation>
    </message>
    <message>
        <source>Press Generate (Ctrl+Enter) and the picture appears here as it forms.</source>
        <translation>点击“生成”（Ctrl+Enter），图片会在这里逐步成形。</translation>
    </message>
    <message>
        <source>No jobs yet</source>
        <translation>暂无任务</translation>
    </message>
    <message>
        <source>Jobs you start appear here with their progress.</source>
        <translation>你启动的任务及其进度会显示在这里。</translation>
    </message>
    <message>
        <source>The gallery is empty</source>
        <translation>图库是空的</translation>
    </message>
    <message>
        <source>Every picture you generate is kept here, even when the server is gone.</source>
        <translation>你生成的每张图片都保存在这里，即使服务器不在线也能查看。</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>New from &amp;Template</source>
        <translation>从模板新建(&amp;T)</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>生成(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Open Workflow…</source>
        <translation>打开工作流(&amp;O)…</translation>
    </message>
    <message>
        <source>Save Workflow &amp;As…</source>
        <translation>工作流另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Queue the workflow with the values in the form</source>
        <translation>按表单中的参数把工作流加入队列</translation>
    </message>
    <message>
        <source>Generate at &amp;Front</source>
        <translation>插队生成(&amp;F)</translation>
    </message>
    <message>
        <source>Queue the workflow ahead of the jobs already waiting</source>
        <translation>把工作流排到所有等待中的任务之前</translation>
    </message>
    <message>
        <source>&amp;Interrupt</source>
        <translation>中断(&amp;I)</translation>
    </message>
    <message>
        <source>Stop the picture that is being made now</source>
        <translation>停止当前正在生成的图片</translation>
    </message>
    <message>
        <source>&amp;Refresh Models</source>
        <translation>刷新模型列表(&amp;R)</translation>
    </message>
    <message>
        <source>Read the server&apos;s models and nodes again (after adding files on it)</source>
        <translation>重新读取服务器上的模型和节点（在服务器上添加文件后使用）</translation>
    </message>
    <message>
        <source>&amp;Full Screen</source>
        <translation>全屏(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Reset Layout</source>
        <translation>重置布局(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>首选项(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Connection Settings…</source>
        <translation>连接设置(&amp;C)…</translation>
    </message>
    <message>
        <source>Open &amp;Log Folder</source>
        <translation>打开日志文件夹(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;About ComfyDesk</source>
        <translation>关于 ComfyDesk(&amp;A)</translation>
    </message>
    <message>
        <source>Workflow</source>
        <translation>工作流</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Gallery</source>
        <translation>图库</translation>
    </message>
    <message>
        <source>ComfyDesk</source>
        <translation>ComfyDesk</translation>
    </message>
    <message>
        <source>{title} [Demo server: placeholder images, not AI]</source>
        <translation>{title} [演示服务器：占位图片，并非 AI 生成]</translation>
    </message>
    <message>
        <source>{percent}% — {title}</source>
        <translation>{percent}% — {title}</translation>
    </message>
    <message>
        <source>No recent workflows</source>
        <translation>没有最近打开的工作流</translation>
    </message>
    <message>
        <source>Open Workflow</source>
        <translation>打开工作流</translation>
    </message>
    <message>
        <source>Workflows and ComfyUI images (*.json *.png *.webp)</source>
        <translation>工作流和 ComfyUI 图片 (*.json *.png *.webp)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>Save Workflow As</source>
        <translation>工作流另存为</translation>
    </message>
    <message>
        <source>Workflow (*.json)</source>
        <translation>工作流 (*.json)</translation>
    </message>
</context>
<context>
    <name>NodeTitle</name>
    <message>
        <source>Load Checkpoint</source>
        <translation>加载模型</translation>
    </message>
    <message>
        <source>Load VAE</source>
        <translation>加载 VAE</translation>
    </message>
    <message>
        <source>Load Diffusion Model</source>
        <translation>加载扩散模型</translation>
    </message>
    <message>
        <source>Load CLIP</source>
        <translation>加载 CLIP</translation>
    </message>
    <message>
        <source>DualCLIPLoader</source>
        <translation>双 CLIP 加载器</translation>
    </message>
    <message>
        <source>Load LoRA</source>
        <translation>加载 LoRA</translation>
    </message>
    <message>
        <source>LoraLoaderModelOnly</source>
        <translation>加载 LoRA（仅模型）</translation>
    </message>
    <message>
        <source>Load ControlNet Model</source>
        <translation>加载 ControlNet 模型</translation>
    </message>
    <message>
        <source>Apply ControlNet</source>
        <translation>应用 ControlNet</translation>
    </message>
    <message>
        <source>Load Upscale Model</source>
        <translation>加载放大模型</translation>
    </message>
    <message>
        <source>CLIP Text Encode (Prompt)</source>
        <translation>CLIP 文本编码（提示词）</translation>
    </message>
    <message>
        <source>Empty Latent Image</source>
        <translation>空 Latent 图像</translation>
    </message>
    <message>
        <source>EmptySD3LatentImage</source>
        <translation>空 Latent 图像 (SD3)</translation>
    </message>
    <message>
        <source>KSampler</source>
        <translation>K 采样器</translation>
    </message>
    <message>
        <source>KSampler (Advanced)</source>
        <translation>K 采样器（高级）</translation>
    </message>
    <message>
        <source>KSamplerSelect</source>
        <translation>K 采样器选择</translation>
    </message>
    <message>
        <source>BasicScheduler</source>
        <translation>基本调度器</translation>
    </message>
    <message>
        <source>RandomNoise</source>
        <translation>随机噪声</translation>
    </message>
    <message>
        <source>FluxGuidance</source>
        <translation>Flux 引导</translation>
    </message>
    <message>
        <source>Load Image</source>
        <translation>加载图像</translation>
    </message>
    <message>
        <source>Load Image (as Mask)</source>
        <translation>加载图像（作为遮罩）</translation>
    </message>
    <message>
        <source>Upscale Image</source>
        <translation>缩放图像</translation>
    </message>
    <message>
        <source>Upscale Image By</source>
        <translation>按倍数缩放图像</translation>
    </message>
    <message>
        <source>Scale Image to Total Pixels</source>
        <translation>按总像素缩放图像</translation>
    </message>
    <message>
        <source>Upscale Latent</source>
        <translation>缩放 Latent</translation>
    </message>
    <message>
        <source>Upscale Latent By</source>
        <translation>按倍数缩放 Latent</translation>
    </message>
    <message>
        <source>VAE Encode (for Inpainting)</source>
        <translation>VAE 编码（局部重绘）</translation>
    </message>
    <message>
        <source>Save Image</source>
        <translation>保存图像</translation>
    </message>
    <message>
        <source>Preview Image</source>
        <translation>预览图像</translation>
    </message>
</context>
<context>
    <name>ParamRow</name>
    <message>
        <source>Reset to workflow value</source>
        <translation>恢复为工作流中的值</translation>
    </message>
    <message>
        <source>Show the choices</source>
        <translation>显示可选项</translation>
    </message>
    <message>
        <source>Use “{choice}”</source>
        <translation>使用“{choice}”</translation>
    </message>
</context>
<context>
    <name>ParametersDialog</name>
    <message>
        <source>Parameters of {title}</source>
        <translation>{title} 的参数</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>首选项</translation>
    </message>
    <message>
        <source>Appearance and language</source>
        <translation>外观与语言</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>作品库</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>Appearance:</source>
        <translation>外观：</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source>Data folder:</source>
        <translation>数据文件夹：</translation>
    </message>
    <message>
        <source>Default server:</source>
        <translation>默认服务器：</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Open windows switch language right away.</source>
        <translation>已打开的窗口会立即切换语言。</translation>
    </message>
    <message>
        <source>Where generated pictures and the library catalogue are kept</source>
        <translation>生成的图片和作品库目录的保存位置</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Use default</source>
        <translation>使用默认位置</translation>
    </message>
    <message>
        <source>Connect to the last server when ComfyDesk starts</source>
        <translation>启动 ComfyDesk 时连接上次使用的服务器</translation>
    </message>
    <message>
        <source>Choose the data folder</source>
        <translation>选择数据文件夹</translation>
    </message>
</context>
<context>
    <name>PreviewView</name>
    <message>
        <source>Nothing generated yet</source>
        <translation>还没有生成内容</translation>
    </message>
    <message>
        <source>Press Generate: the picture forms here step by step.</source>
        <translation>点击“生成”：图片会在这里逐步成形。</translation>
    </message>
    <message>
        <source>This server sends no live previews. To watch the picture form, start ComfyUI with {flag}.</source>
        <translation>此服务器不发送实时预览。如想观看图片逐步成形，请使用 {flag} 启动 ComfyUI。</translation>
    </message>
    <message>
        <source>Every image of this job; click one to show it</source>
        <translation>此任务的全部图片；点击某张即可查看</translation>
    </message>
</context>
<context>
    <name>QueueDelegate</name>
    <message>
        <source>Another client&apos;s job</source>
        <translation>其他客户端的任务</translation>
    </message>
    <message>
        <source>Running on the server</source>
        <translation>正在服务器上运行</translation>
    </message>
    <message>
        <source>Waiting on the server</source>
        <translation>正在服务器上等待</translation>
    </message>
</context>
<context>
    <name>QueuePanel</name>
    <message>
        <source>Cancel all mine</source>
        <translation>取消我的全部任务</translation>
    </message>
    <message>
        <source>Stop every job you started; others&apos; jobs stay</source>
        <translation>停止你启动的所有任务；其他人的任务不受影响</translation>
    </message>
    <message>
        <source>Clear finished</source>
        <translation>清除已结束</translation>
    </message>
    <message>
        <source>Take finished jobs off this list; their pictures stay in the gallery</source>
        <translation>从列表中移除已结束的任务；它们的图片仍保留在图库中</translation>
    </message>
    <message>
        <source>Job queue</source>
        <translation>任务队列</translation>
    </message>
    <message>
        <source>No jobs yet</source>
        <translation>暂无任务</translation>
    </message>
    <message>
        <source>Jobs you start appear here, with their place in the server&apos;s queue.</source>
        <translation>你提交的任务会显示在这里，并标明在服务器队列中的位置。</translation>
    </message>
    <message>
        <source>Mine: {running} running, {waiting} waiting</source>
        <translation>我的任务：{running} 个运行中，{waiting} 个等待中</translation>
    </message>
    <message>
        <source>others: {count}</source>
        <translation>其他：{count}</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Run again</source>
        <translation>再次运行</translation>
    </message>
    <message>
        <source>Show parameters</source>
        <translation>显示参数</translation>
    </message>
    <message>
        <source>Load into form</source>
        <translation>载入表单</translation>
    </message>
</context>
<context>
    <name>QuitPrompt</name>
    <message>
        <source>Quit ComfyDesk</source>
        <translation>退出 ComfyDesk</translation>
    </message>
    <message>
        <source>Jobs of yours still queued or running: {count}.</source>
        <translation>你仍在排队或运行的任务：{count} 个。</translation>
    </message>
    <message>
        <source>They can keep running on the server; ComfyDesk collects the pictures the next time you connect.</source>
        <translation>这些任务可以在服务器上继续运行；下次连接时，ComfyDesk 会自动取回生成的图片。</translation>
    </message>
    <message>
        <source>Leave Running and Quit</source>
        <translation>保持运行并退出</translation>
    </message>
    <message>
        <source>Cancel Jobs and Quit</source>
        <translation>取消任务并退出</translation>
    </message>
</context>
<context>
    <name>SeedEdit</name>
    <message>
        <source>Fixed</source>
        <translation>固定</translation>
    </message>
    <message>
        <source>Increment</source>
        <translation>递增</translation>
    </message>
    <message>
        <source>Decrement</source>
        <translation>递减</translation>
    </message>
    <message>
        <source>Randomize</source>
        <translation>随机</translation>
    </message>
    <message>
        <source>Keep this seed after each run</source>
        <translation>每次运行后保持此种子不变</translation>
    </message>
    <message>
        <source>Add one after each run</source>
        <translation>每次运行后加一</translation>
    </message>
    <message>
        <source>Subtract one after each run</source>
        <translation>每次运行后减一</translation>
    </message>
    <message>
        <source>Pick a new random seed after each run</source>
        <translation>每次运行后随机选取新种子</translation>
    </message>
    <message>
        <source>New random seed</source>
        <translation>新的随机种子</translation>
    </message>
</context>
<context>
    <name>StarterCards</name>
    <message>
        <source>Or start from one of these:</source>
        <translation>或者从下面的入门工作流开始：</translation>
    </message>
    <message>
        <source>Browse the server&apos;s templates…</source>
        <translation>浏览服务器上的模板…</translation>
    </message>
</context>
<context>
    <name>Starters</name>
    <message>
        <source>Text to image</source>
        <translation>文生图</translation>
    </message>
    <message>
        <source>Image to image</source>
        <translation>图生图</translation>
    </message>
    <message>
        <source>Inpaint</source>
        <translation>局部重绘</translation>
    </message>
    <message>
        <source>Upscale</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Describe a picture and get it.</source>
        <translation>描述一幅画面，即可得到它。</translation>
    </message>
    <message>
        <source>Repaint a picture you already have.</source>
        <translation>把已有的图片重新绘制一遍。</translation>
    </message>
    <message>
        <source>Redo the transparent part of a picture.</source>
        <translation>重画图片中透明的部分。</translation>
    </message>
    <message>
        <source>Make a picture bigger and sharper.</source>
        <translation>让图片更大、更清晰。</translation>
    </message>
    <message>
        <source>This server has no checkpoint (image model) to run this — put one into ComfyUI&apos;s models/checkpoints folder, then use Refresh Models.</source>
        <translation>此服务器没有可用于运行的主模型（checkpoint）——请把一个模型放进 ComfyUI 的 models/checkpoints 文件夹，然后使用“刷新模型”。</translation>
    </message>
    <message>
        <source>Choose the picture to start from in the form.</source>
        <translation>请在表单中选择作为起点的图片。</translation>
    </message>
    <message>
        <source>This server has no upscale model, so the picture is enlarged with a plain resize (add one to models/upscale_models for sharper results).</source>
        <translation>此服务器没有放大模型，因此图片将以普通缩放方式放大（把放大模型放进 models/upscale_models 可获得更清晰的效果）。</translation>
    </message>
    <message>
        <source>This server lacks nodes this starter needs.</source>
        <translation>此服务器缺少这个入门工作流需要的节点。</translation>
    </message>
    <message>
        <source>Inpainting redoes the transparent part of the picture: erase that area in any paint program, save it as PNG and choose it in the form.</source>
        <translation>局部重绘会重画图片中透明的部分：在任意绘图软件里擦除要重画的区域，存为 PNG，然后在表单中选择它。</translation>
    </message>
</context>
<context>
    <name>StartingPoints</name>
    <message>
        <source>Server Templates…</source>
        <translation>服务器模板…</translation>
    </message>
    <message>
        <source>“{name}” opens as soon as the server is connected.</source>
        <translation>连接到服务器后将立即打开“{name}”。</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>Demo server — pictures are placeholders, not AI</source>
        <translation>演示服务器——图片为占位图，并非 AI 生成</translation>
    </message>
    <message>
        <source>You are connected to ComfyDesk&apos;s built-in demo server. It draws placeholder images so you can try the app; no AI model runs.</source>
        <translation>你已连接到 ComfyDesk 内置的演示服务器。它只绘制占位图片，方便你试用本程序，不会运行任何 AI 模型。</translation>
    </message>
    <message>
        <source>{state} — reconnecting in {seconds} s</source>
        <translation>{state}——{seconds} 秒后重新连接</translation>
    </message>
</context>
<context>
    <name>TemplateGalleryDialog</name>
    <message>
        <source>Server Templates</source>
        <translation>服务器模板</translation>
    </message>
    <message>
        <source>Search templates (title, model, tag)…</source>
        <translation>搜索模板（标题、模型、标签）…</translation>
    </message>
    <message>
        <source>Open in Form</source>
        <translation>在表单中打开</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>全部分类</translation>
    </message>
    <message>
        <source>Reading the server&apos;s template library…</source>
        <translation>正在读取服务器的模板库…</translation>
    </message>
    <message>
        <source>This server has no template library (it comes with newer ComfyUI versions).</source>
        <translation>此服务器没有模板库（较新的 ComfyUI 版本才带有模板库）。</translation>
    </message>
    <message>
        <source>Could not read the template library: {reason}</source>
        <translation>无法读取模板库：{reason}</translation>
    </message>
    <message>
        <source>Connect to a server to see its templates.</source>
        <translation>连接到服务器后即可查看它的模板。</translation>
    </message>
    <message numerus="yes">
        <source>%n template(s) on this server.</source>
        <translation>
            <numerusform>此服务器上有 %n 个模板。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n template(s) match.</source>
        <translation>
            <numerusform>有 %n 个模板符合。</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot run here</source>
        <translation>此服务器无法运行</translation>
    </message>
    <message>
        <source>Double-click a template to open it in the form.</source>
        <translation>双击模板即可在表单中打开。</translation>
    </message>
    <message>
        <source>Checking whether this server can run it…</source>
        <translation>正在检查此服务器能否运行它…</translation>
    </message>
    <message>
        <source>It runs on a paid online service through ComfyUI&apos;s API nodes: the server needs a signed-in Comfy account with credits.</source>
        <translation>它通过 ComfyUI 的 API 节点在付费的在线服务上运行：服务器需要登录一个有额度的 Comfy 账户。</translation>
    </message>
    <message>
        <source>Cannot run here: the server lacks the nodes {names}.</source>
        <translation>无法在此运行：服务器缺少节点 {names}。</translation>
    </message>
    <message>
        <source>Cannot run here: the server lacks the models {names}.</source>
        <translation>无法在此运行：服务器缺少模型 {names}。</translation>
    </message>
    <message>
        <source>Cannot open it: {reason}</source>
        <translation>无法打开：{reason}</translation>
    </message>
    <message>
        <source>Ready to run on this server.</source>
        <translation>可以在此服务器上运行。</translation>
    </message>
</context>
<context>
    <name>UploadController</name>
    <message>
        <source>it is larger than 512 MB</source>
        <translation>文件超过 512 MB</translation>
    </message>
    <message>
        <source>Could not read {file}: {reason}</source>
        <translation>无法读取 {file}：{reason}</translation>
    </message>
    <message>
        <source>Connect to a server to upload images.</source>
        <translation>请先连接服务器再上传图片。</translation>
    </message>
    <message>
        <source>Upload failed: {reason}</source>
        <translation>上传失败：{reason}</translation>
    </message>
</context>
<context>
    <name>ValueText</name>
    <message>
        <source>{label} must be at least {detail}.</source>
        <translation>{label}不能小于 {detail}。</translation>
    </message>
    <message>
        <source>{label} must be at most {detail}.</source>
        <translation>{label}不能大于 {detail}。</translation>
    </message>
    <message>
        <source>{label} must be a whole number.</source>
        <translation>{label}必须是整数。</translation>
    </message>
    <message>
        <source>{label} must be a number.</source>
        <translation>{label}必须是数字。</translation>
    </message>
    <message>
        <source>{label} must be on or off.</source>
        <translation>{label}只能是开或关。</translation>
    </message>
    <message>
        <source>{label}: “{detail}” is not one of the available choices.</source>
        <translation>{label}：“{detail}”不在可选项中。</translation>
    </message>
    <message>
        <source>{label} needs an image.</source>
        <translation>{label}需要一张图片。</translation>
    </message>
    <message>
        <source>{label} needs a value.</source>
        <translation>{label}需要一个值。</translation>
    </message>
</context>
<context>
    <name>Workspace</name>
    <message>
        <source>“{name}” opens as soon as the server is connected.</source>
        <translation>连接到服务器后将立即打开“{name}”。</translation>
    </message>
    <message>
        <source>Opening “{name}”…</source>
        <translation>正在打开“{name}”…</translation>
    </message>
    <message>
        <source>Could not show “{name}” — this is a bug in ComfyDesk; the log has the details.</source>
        <translation>无法显示“{name}”——这是 ComfyDesk 的程序错误，详情请查看日志。</translation>
    </message>
    <message>
        <source>Connect to a server first, then choose again.</source>
        <translation>请先连接到服务器，然后再选择一次。</translation>
    </message>
    <message>
        <source>Open a workflow first.</source>
        <translation>请先打开一个工作流。</translation>
    </message>
    <message>
        <source>Connect to a server to generate.</source>
        <translation>请先连接服务器再生成。</translation>
    </message>
    <message numerus="yes">
        <source>{problem} (and %n more problem(s) in the form)</source>
        <translation>
            <numerusform>{problem}（表单中还有 %n 处问题）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Queued %n job(s).</source>
        <translation>
            <numerusform>已将 %n 个任务加入队列。</numerusform>
        </translation>
    </message>
    <message>
        <source>The seed reached the end of its range and started again at {value}.</source>
        <translation>种子已到达取值范围的尽头，已从 {value} 重新开始。</translation>
    </message>
    <message numerus="yes">
        <source>Took %n value(s) into the form.</source>
        <translation>
            <numerusform>已将 %n 个值填入表单。</numerusform>
        </translation>
    </message>
    <message>
        <source>The job was not queued: {reason}</source>
        <translation>任务未能加入队列：{reason}</translation>
    </message>
    <message>
        <source>“{name}” cannot open yet: the server&apos;s node list could not be read ({reason}). Refresh models or reconnect to try again.</source>
        <translation>“{name}”暂时无法打开：无法读取服务器的节点列表（{reason}）。请刷新模型或重新连接后再试。</translation>
    </message>
    <message>
        <source>Could not read the server&apos;s models: {reason}</source>
        <translation>无法读取服务器上的模型：{reason}</translation>
    </message>
    <message>
        <source>The model lists are up to date.</source>
        <translation>模型列表已是最新。</translation>
    </message>
    <message>
        <source>Could not save “{name}”: {reason}</source>
        <translation>无法保存“{name}”：{reason}</translation>
    </message>
    <message>
        <source>Saved “{name}”.</source>
        <translation>已保存“{name}”。</translation>
    </message>
    <message>
        <source>Reused parameters</source>
        <translation>复用的参数</translation>
    </message>
    <message>
        <source>Connect to a server to reuse these parameters.</source>
        <translation>请先连接服务器再复用这些参数。</translation>
    </message>
    <message>
        <source>This workflow has no seed to set.</source>
        <translation>此工作流没有可设置的种子。</translation>
    </message>
</context>
<context>
    <name>WorkspacePanel</name>
    <message>
        <source>No workflow open</source>
        <translation>尚未打开工作流</translation>
    </message>
    <message>
        <source>Open a workflow — or drop a .json or a ComfyUI image here.</source>
        <translation>打开一个工作流，或者把 .json 文件或 ComfyUI 生成的图片拖到这里。</translation>
    </message>
    <message>
        <source>Open workflow…</source>
        <translation>打开工作流…</translation>
    </message>
</context>
</TS>
