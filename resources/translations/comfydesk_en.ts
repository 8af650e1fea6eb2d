<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>ConnectionBar</name>
    <message numerus="yes">
        <source>Jobs of yours still queued or running on {url}: %n. They keep running there; ComfyDesk collects their pictures the next time you connect to it.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message numerus="yes">
        <source>Copy %n picture(s) to this folder:</source>
        <translation>
            <numerusform>Copy %n picture to this folder:</numerusform>
            <numerusform>Copy %n pictures to this folder:</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GalleryController</name>
    <message numerus="yes">
        <source>Move %n picture(s) to the trash?</source>
        <translation>
            <numerusform>Move %n picture to the trash?</numerusform>
            <numerusform>Move %n pictures to the trash?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>No trash is available here: %n file(s) were deleted for good.</source>
        <translation>
            <numerusform>No trash is available here: %n file was deleted for good.</numerusform>
            <numerusform>No trash is available here: %n files were deleted for good.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %n picture(s) to the trash.</source>
        <translation>
            <numerusform>Moved %n picture to the trash.</numerusform>
            <numerusform>Moved %n pictures to the trash.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n picture(s) to {folder}.</source>
        <translation>
            <numerusform>Exported %n picture to {folder}.</numerusform>
            <numerusform>Exported %n pictures to {folder}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Kept %n picture(s) in the library.</source>
        <translation>
            <numerusform>Kept %n picture in the library.</numerusform>
            <numerusform>Kept %n pictures in the library.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n missing file(s) removed</source>
        <translation>
            <numerusform>%n missing file removed</numerusform>
            <numerusform>%n missing files removed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) added back</source>
        <translation>
            <numerusform>%n file added back</numerusform>
            <numerusform>%n files added back</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n extra copy(ies) of kept pictures removed.</source>
        <translation>
            <numerusform>%n extra copy of kept pictures removed.</numerusform>
            <numerusform>%n extra copies of kept pictures removed.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GalleryView</name>
    <message numerus="yes">
        <source>%n+ picture(s)</source>
        <translation>
            <numerusform>%n+ picture</numerusform>
            <numerusform>%n+ pictures</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n picture(s)</source>
        <translation>
            <numerusform>%n picture</numerusform>
            <numerusform>%n pictures</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HostedBackend</name>
    <message numerus="yes">
        <source>Watching %n job(s) sent before ComfyDesk last quit.</source>
        <translation>
            <numerusform>Watching %n job sent before ComfyDesk last quit.</numerusform>
            <numerusform>Watching %n jobs sent before ComfyDesk last quit.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Sent %n job(s) to the hosted service.</source>
        <translation>
            <numerusform>Sent %n job to the hosted service.</numerusform>
            <numerusform>Sent %n jobs to the hosted service.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>JobNotifier</name>
    <message numerus="yes">
        <source>{title}: %n image(s) in {time}</source>
        <translation>
            <numerusform>{title}: %n image in {time}</numerusform>
            <numerusform>{title}: %n images in {time}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{title}: %n image(s)</source>
        <translation>
            <numerusform>{title}: %n image</numerusform>
            <numerusform>{title}: %n images</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n job(s) did not finish</source>
        <translation>
            <numerusform>%n job did not finish</numerusform>
            <numerusform>%n jobs did not finish</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n job(s) done</source>
        <translation>
            <numerusform>%n job done</numerusform>
            <numerusform>%n jobs done</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n image(s)</source>
        <translation>
            <numerusform>%n image</numerusform>
            <numerusform>%n images</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{percent}% — %n job(s) left</source>
        <translation>
            <numerusform>{percent}% — %n job left</numerusform>
            <numerusform>{percent}% — %n jobs left</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TemplateGalleryDialog</name>
    <message numerus="yes">
        <source>%n template(s) on this server.</source>
        <translation>
            <numerusform>%n template on this server.</numerusform>
            <numerusform>%n templates on this server.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n template(s) match.</source>
        <translation>
            <numerusform>%n template match.</numerusform>
            <numerusform>%n templates match.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Workspace</name>
    <message numerus="yes">
        <source>{problem} (and %n more problem(s) in the form)</source>
        <translation>
            <numerusform>{problem} (and %n more problem in the form)</numerusform>
            <numerusform>{problem} (and %n more problems in the form)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Queued %n job(s).</source>
        <translation>
            <numerusform>Queued %n job.</numerusform>
            <numerusform>Queued %n jobs.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Took %n value(s) into the form.</source>
        <translation>
            <numerusform>Took %n value into the form.</numerusform>
            <numerusform>Took %n values into the form.</numerusform>
        </translation>
    </message>
</context>
</TS>
